import type {
  CustomerGateway,
  ElasticIp,
  Image,
  InstanceState,
  LaunchRequest,
  RouteTable,
  RouteTableFilter,
  RouterInstance,
  Tags,
  Vpc,
  VpnConnection,
  VpnGateway,
} from './types.js';

export interface CustomerGatewayRequest {
  publicIp: string;
  bgpAsn: number;
  name: string;
}

export interface VpnConnectionRequest {
  customerGatewayId: string;
  vpnGatewayId: string;
  staticRoutesOnly: boolean;
  tunnelInsideCidrs?: string[];
  name?: string;
}

/**
 * The cloud port the runbooks use. Every method takes the region first, because flatnet works
 * across six regions with one client each. Errors are `CloudError`s whose message and hint an
 * operator can act on. Methods with `dryRun` make the AWS call with DryRun=true: they resolve
 * when AWS says the call would succeed and throw when a permission is missing.
 */
export interface Cloud {
  describeInstance(region: string, instanceId: string): Promise<RouterInstance>;
  /**
   * Every instance (any state) tagged `Name` with one of `names`, plus those of `instanceIds`
   * (an instance the operator never tagged): how each run finds its routers. Filters, not
   * InstanceIds, so an id EC2 no longer knows is simply absent instead of failing the call.
   */
  findRouterInstances(
    region: string,
    query: { names: string[]; instanceIds: string[] },
  ): Promise<RouterInstance[]>;
  /**
   * The instance a launch with this client token made, if any: how a resumed step finds its work.
   */
  findInstanceByClientToken(
    region: string,
    clientToken: string,
  ): Promise<RouterInstance | undefined>;
  describeAddress(region: string, allocationId: string): Promise<ElasticIp>;
  describeRouteTables(region: string, filter?: RouteTableFilter): Promise<RouteTable[]>;
  describeVpnConnections(region: string): Promise<VpnConnection[]>;
  describeVpnGateways(region: string, filter?: { vpcId?: string }): Promise<VpnGateway[]>;
  /**
   * These VPCs with their IPv4 ranges (an empty list asks for none, not for every VPC). An id
   * the region does not hold fails the call: a CloudError with awsCode `InvalidVpcID.NotFound`.
   */
  describeVpcs(region: string, vpcIds: string[]): Promise<Vpc[]>;
  /** The newest of the account's own AMIs with this tag, by CreationDate; undefined when none. */
  newestImageTagged(region: string, key: string, value: string): Promise<Image | undefined>;
  /**
   * Launch (or, with the same client token, find again) one instance. Resolves undefined only for a
   * dry run.
   */
  launchInstance(region: string, request: LaunchRequest): Promise<RouterInstance | undefined>;
  /**
   * Wait with the SDK waiter until the instance runs; throws at once when it stops or terminates
   * instead.
   */
  waitUntilRunning(region: string, instanceId: string): Promise<RouterInstance>;
  disableSourceDestCheck(region: string, instanceId: string, dryRun?: boolean): Promise<void>;
  /** Point the Elastic IP at an interface, taking it from whoever holds it (AllowReassociation). */
  associateAddress(
    region: string,
    request: { allocationId: string; networkInterfaceId: string; dryRun?: boolean },
  ): Promise<{ associationId?: string }>;
  /**
   * Repoint a route at an interface. `missing` when the table has no route for the destination
   * (AWS answers InvalidParameterValue or InvalidRoute.NotFound for that; both count).
   * With `dryRun`, `replaced` means "would be replaced".
   */
  replaceRoute(
    region: string,
    request: {
      routeTableId: string;
      destination: string;
      networkInterfaceId: string;
      dryRun?: boolean;
    },
  ): Promise<'replaced' | 'missing'>;
  /**
   * Add a route to an interface. `exists` when the table already has a route for exactly that
   * destination to another target (AWS: RouteAlreadyExists): flatnet never overwrites someone
   * else's route. With `dryRun` it only proves the permission (`created` = would be created).
   */
  createRoute(
    region: string,
    request: {
      routeTableId: string;
      destination: string;
      networkInterfaceId: string;
      dryRun?: boolean;
    },
  ): Promise<'created' | 'exists'>;
  /**
   * Remove a route; `missing` when the table has none for the destination (InvalidRoute.NotFound).
   */
  deleteRoute(
    region: string,
    request: { routeTableId: string; destination: string },
  ): Promise<'deleted' | 'missing'>;
  /**
   * Move an extra interface (never the primary) from the instance it is attached to onto
   * another one at the same device index: detach, wait until EC2 reports it available, attach.
   * Routes that target the interface follow it. Resolves the new attachment id; with `dryRun`
   * only the permissions are proven (both calls with DryRun) and it resolves undefined.
   * `attachmentId: null`: the interface is attached to nothing, only attach it.
   */
  moveNetworkInterface(
    region: string,
    request: {
      networkInterfaceId: string;
      attachmentId: string | null;
      toInstanceId: string;
      deviceIndex: number;
      dryRun?: boolean;
    },
  ): Promise<string | undefined>;
  /**
   * Turn VGW route propagation on (or off) for one route table: the table then receives every
   * prefix the VGW learns by BGP. With `dryRun` it only proves the permission.
   */
  setVgwRoutePropagation(
    region: string,
    request: { routeTableId: string; vpnGatewayId: string; enabled: boolean; dryRun?: boolean },
  ): Promise<void>;
  /**
   * Stop (never terminate: a stopped router is a rollback). Resolves the new state; undefined for a
   * dry run.
   */
  stopInstance(
    region: string,
    instanceId: string,
    dryRun?: boolean,
  ): Promise<InstanceState | undefined>;
  createTags(region: string, resourceIds: string[], tags: Tags): Promise<void>;
  /**
   * Idempotent on AWS's side: the same address and ASN return the existing gateway.
   * With `dryRun: true` it only proves the permission and resolves undefined.
   */
  createCustomerGateway(
    region: string,
    request: CustomerGatewayRequest & { dryRun: true },
  ): Promise<undefined>;
  createCustomerGateway(
    region: string,
    request: CustomerGatewayRequest & { dryRun?: false },
  ): Promise<CustomerGateway>;
  /**
   * With `dryRun: true` it only proves the permission (and that both gateways exist) and resolves
   * undefined.
   */
  createVpnConnection(
    region: string,
    request: VpnConnectionRequest & { dryRun: true },
  ): Promise<undefined>;
  createVpnConnection(
    region: string,
    request: VpnConnectionRequest & { dryRun?: false },
  ): Promise<VpnConnection>;
  /** Destroy the per-region clients (sockets). */
  close(): void;
}
