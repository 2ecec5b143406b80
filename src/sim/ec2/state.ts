import { EventEmitter } from 'node:events';
import { parseCidr } from './cidr.js';
import { notFound } from './ec2-error.js';
import type { Ec2Store } from './ec2-store.js';
import { FaultInjector } from './faults.js';
import { newId } from './ids.js';
import { associateAddress, type AssociateAddressRequest } from './associate-address.js';
import { InstanceLifecycle, type RunInstancesRequest } from './instance-lifecycle.js';
import { renderCustomerGatewayConfig } from './render-customer-gateway-config.js';
import { createTags } from './tag-resources.js';
import type {
  Ec2Events,
  InstanceStateName,
  RouteState,
  SimAddress,
  SimCustomerGateway,
  SimImage,
  SimInstance,
  SimNetworkInterface,
  SimRoute,
  SimRouteTable,
  SimSubnet,
  SimVpc,
  SimVpnConnection,
  SimVpnGateway,
  Tags,
  TunnelStatusProvider,
} from './types.js';
import { readTelemetry, type TunnelTelemetry } from './vpn-tunnels.js';
import {
  createRoute,
  deleteRoute,
  replaceRoute,
  routeState,
  routeTarget,
  type RouteRequest,
} from './routes.js';
import {
  createCustomerGateway,
  createVpnConnection,
  type VpnConnectionRequest,
} from './vpn-connections.js';

export type { RunInstancesRequest } from './instance-lifecycle.js';

export interface Ec2StateOptions {
  /** pending → running delay. */
  bootMs?: number;
  /** stopping → stopped delay. */
  stopMs?: number;
  accountId?: string;
  now?: () => Date;
}

/**
 * Public addresses come from reserved ranges (documentation, benchmarking), so emulated data never
 * names a real host.
 */
const ELASTIC_IP_NET = '203.0.113.';
// Not 198.51.100.x: the simulated world gives the spokes' Elastic IPs from there, and a VGW
// outside address equal to a spoke's would make two tunnels claim one remote.
const VGW_OUTSIDE_NET = '198.19.100.';

/**
 * One emulated AWS account across every region. The seeding methods (`add*`) build a world;
 * the action methods implement the API's semantics and throw `Ec2ApiError` like AWS would.
 * Ids are unique account-wide, but a lookup in the wrong region is a NotFound, as in AWS.
 */
export class Ec2State extends EventEmitter<Ec2Events> implements Ec2Store {
  readonly faults = new FaultInjector();
  /** Added to every request, and per action (e.g. `{ RunInstances: 300 }`). */
  latencyMs = 0;
  readonly actionLatencyMs = new Map<string, number>();
  /**
   * Real AWS answers InvalidParameterValue for a missing route; the docs say InvalidRoute.NotFound.
   */
  missingRouteCode: 'InvalidParameterValue' | 'InvalidRoute.NotFound' = 'InvalidParameterValue';
  bootMs: number;
  stopMs: number;
  readonly accountId: string;
  readonly now: () => Date;

  readonly vpcs = new Map<string, SimVpc>();
  readonly subnets = new Map<string, SimSubnet>();
  readonly instances = new Map<string, SimInstance>();
  readonly networkInterfaces = new Map<string, SimNetworkInterface>();
  readonly addresses = new Map<string, SimAddress>();
  readonly routeTables = new Map<string, SimRouteTable>();
  readonly images = new Map<string, SimImage>();
  readonly vpnGateways = new Map<string, SimVpnGateway>();
  readonly customerGateways = new Map<string, SimCustomerGateway>();
  readonly vpnConnections = new Map<string, SimVpnConnection>();
  private readonly lifecycle = new InstanceLifecycle(this);
  private tunnelStatus: TunnelStatusProvider = () => 'DOWN';
  private vgwRoutes: (vpnGatewayId: string) => string[] = () => [];
  private elasticIpCount = 0;
  private vgwOutsideCount = 0;

  constructor(options: Ec2StateOptions = {}) {
    super();
    this.bootMs = options.bootMs ?? 1000;
    this.stopMs = options.stopMs ?? 500;
    this.accountId = options.accountId ?? '123456789012';
    this.now = options.now ?? (() => new Date());
  }

  /** Stop every pending transition timer; the state stays readable. */
  close(): void {
    this.lifecycle.close();
  }

  /** State transitions still scheduled (boots, stops): zero after close. */
  get pendingTransitions(): number {
    return this.lifecycle.pendingTransitions;
  }

  setTunnelStatusProvider(provider: TunnelStatusProvider): void {
    this.tunnelStatus = provider;
  }

  /** What a VGW has learned (by BGP or static VPN routes): the world's routing decides. */
  setVgwRoutesProvider(provider: (vpnGatewayId: string) => string[]): void {
    this.vgwRoutes = provider;
  }

  /**
   * The routes a table receives from the VGWs propagating into it: each prefix the VGW
   * learned, unless a static route of the table has that destination (a static route wins,
   * "Route priority", Amazon VPC User Guide). AWS lists them in DescribeRouteTables with
   * `origin: EnableVgwRoutePropagation` and the VGW as `gatewayId`.
   */
  propagatedRoutes(table: SimRouteTable): { destination: string; gatewayId: string }[] {
    const out: { destination: string; gatewayId: string }[] = [];
    const taken = new Set(table.routes.map((r) => r.destination));
    for (const vgwId of table.propagatingVgws) {
      if (this.vpnGateways.get(vgwId)?.vpcId !== table.vpcId) continue;
      for (const destination of this.vgwRoutes(vgwId)) {
        if (taken.has(destination)) continue;
        taken.add(destination);
        out.push({ destination, gatewayId: vgwId });
      }
    }
    return out;
  }

  // ---- seeding ---------------------------------------------------------------------------

  addVpc(v: {
    region: string;
    cidrBlock: string;
    secondaryCidrBlocks?: string[];
    tags?: Tags;
    vpcId?: string;
  }): SimVpc {
    parseCidr(v.cidrBlock);
    for (const c of v.secondaryCidrBlocks ?? []) parseCidr(c);
    const vpc: SimVpc = {
      vpcId: v.vpcId ?? newId('vpc'),
      region: v.region,
      cidrBlock: v.cidrBlock,
      secondaryCidrBlocks: [...(v.secondaryCidrBlocks ?? [])],
      tags: { ...v.tags },
    };
    this.vpcs.set(vpc.vpcId, vpc);
    return vpc;
  }

  addSubnet(s: {
    region: string;
    vpcId: string;
    cidrBlock: string;
    availabilityZone?: string;
    tags?: Tags;
    subnetId?: string;
  }): SimSubnet {
    this.need(this.vpcs, s.region, s.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    parseCidr(s.cidrBlock);
    const subnet: SimSubnet = {
      subnetId: s.subnetId ?? newId('subnet'),
      region: s.region,
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock,
      availabilityZone: s.availabilityZone ?? `${s.region}a`,
      tags: { ...s.tags },
    };
    this.subnets.set(subnet.subnetId, subnet);
    return subnet;
  }

  /**
   * An instance with its primary ENI. `state` defaults to running; `pending` boots after `bootMs`.
   */
  addInstance(i: {
    region: string;
    type: string;
    imageId: string;
    subnetId: string;
    privateIp?: string;
    tags?: Tags;
    state?: InstanceStateName;
    sourceDestCheck?: boolean;
  }): SimInstance {
    const instance = this.lifecycle.createInstance(
      i.region,
      { ...i, tags: i.tags ?? {} },
      newId('r'),
      i.state ?? 'running',
    );
    if (i.sourceDestCheck !== undefined) instance.sourceDestCheck = i.sourceDestCheck;
    return instance;
  }

  addAddress(a: {
    region: string;
    publicIp?: string;
    tags?: Tags;
    allocationId?: string;
  }): SimAddress {
    const address: SimAddress = {
      allocationId: a.allocationId ?? newId('eipalloc'),
      region: a.region,
      publicIp: a.publicIp ?? this.allocatePublicIp('elastic'),
      tags: { ...a.tags },
    };
    this.addresses.set(address.allocationId, address);
    return address;
  }

  /** Seeding shortcut for AssociateAddress with reassociation allowed. */
  associate(
    allocationId: string,
    target: { instanceId?: string; networkInterfaceId?: string },
  ): SimAddress {
    const address = this.addresses.get(allocationId);
    if (!address) throw new Error(`no Elastic IP ${allocationId} in the emulator`);
    this.associateAddress(address.region, { allocationId, ...target, allowReassociation: true });
    return address;
  }

  addRouteTable(t: {
    region: string;
    vpcId: string;
    routes?: Omit<SimRoute, 'origin'>[];
    subnetIds?: string[];
    main?: boolean;
    tags?: Tags;
    routeTableId?: string;
    propagatingVgws?: string[];
  }): SimRouteTable {
    const vpc = this.need(this.vpcs, t.region, t.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    const table: SimRouteTable = {
      routeTableId: t.routeTableId ?? newId('rtb'),
      region: t.region,
      vpcId: t.vpcId,
      // Every VPC route table carries the implicit local route.
      routes: [
        // …one per IPv4 range of the VPC, the secondary ones too.
        ...[vpc.cidrBlock, ...vpc.secondaryCidrBlocks].map((destination) => ({
          destination,
          gatewayId: 'local',
          origin: 'CreateRouteTable' as const,
        })),
        ...(t.routes ?? []).map((r) => ({
          destination: r.destination,
          ...this.routeTarget(t.region, r),
          origin: 'CreateRoute' as const,
        })),
      ],
      subnetIds: [...(t.subnetIds ?? [])],
      main: t.main ?? false,
      propagatingVgws: [...(t.propagatingVgws ?? [])],
      tags: { ...t.tags },
    };
    this.routeTables.set(table.routeTableId, table);
    return table;
  }

  addImage(i: {
    region: string;
    name: string;
    creationDate?: string | Date;
    tags?: Tags;
    imageId?: string;
  }): SimImage {
    const created = i.creationDate ?? this.now();
    const image: SimImage = {
      imageId: i.imageId ?? newId('ami'),
      region: i.region,
      name: i.name,
      creationDate: typeof created === 'string' ? created : created.toISOString(),
      ownerId: this.accountId,
      tags: { ...i.tags },
    };
    this.images.set(image.imageId, image);
    return image;
  }

  addVpnGateway(g: {
    region: string;
    vpcId?: string;
    amazonSideAsn?: number;
    tags?: Tags;
    vpnGatewayId?: string;
  }): SimVpnGateway {
    if (g.vpcId) this.need(this.vpcs, g.region, g.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    const vgw: SimVpnGateway = {
      vpnGatewayId: g.vpnGatewayId ?? newId('vgw'),
      region: g.region,
      amazonSideAsn: g.amazonSideAsn ?? 64512,
      vpcId: g.vpcId,
      tags: { ...g.tags },
    };
    this.vpnGateways.set(vgw.vpnGatewayId, vgw);
    return vgw;
  }

  addCustomerGateway(c: {
    region: string;
    ipAddress: string;
    bgpAsn?: number;
    tags?: Tags;
  }): SimCustomerGateway {
    return this.createCustomerGateway(c.region, {
      ipAddress: c.ipAddress,
      bgpAsn: c.bgpAsn ?? 65000,
      tags: c.tags ?? {},
    });
  }

  addVpnConnection(c: {
    region: string;
    customerGatewayId: string;
    vpnGatewayId: string;
    staticRoutesOnly?: boolean;
    tunnels?: { insideCidr?: string; preSharedKey?: string }[];
    tags?: Tags;
  }): SimVpnConnection {
    return this.createVpnConnection(c.region, {
      ...c,
      staticRoutesOnly: c.staticRoutesOnly ?? false,
      tunnels: c.tunnels ?? [],
      tags: c.tags ?? {},
    });
  }

  // ---- read accessors ----------------------------------------------------------------------

  getInstance(instanceId: string): SimInstance | undefined {
    return this.instances.get(instanceId);
  }

  getAddress(allocationId: string): SimAddress | undefined {
    return this.addresses.get(allocationId);
  }

  getNetworkInterface(id: string): SimNetworkInterface | undefined {
    return this.networkInterfaces.get(id);
  }

  routeTable(routeTableId: string): SimRouteTable | undefined {
    return this.routeTables.get(routeTableId);
  }

  /** The target of a destination in a table, with its computed state. */
  route(routeTableId: string, destination: string): (SimRoute & { state: RouteState }) | undefined {
    const r = this.routeTables.get(routeTableId)?.routes.find((x) => x.destination === destination);
    return r && { ...r, state: this.routeState(r) };
  }

  listVpnConnections(region?: string): SimVpnConnection[] {
    return this.inRegion(this.vpnConnections, region);
  }

  inRegion<T extends { region: string }>(map: Map<string, T>, region: string | undefined): T[] {
    return [...map.values()].filter((x) => region === undefined || x.region === region);
  }

  /** A route is a blackhole once its target instance is not running or its ENI is gone. */
  routeState(route: SimRoute): RouteState {
    return routeState(this, route);
  }

  telemetry(conn: SimVpnConnection): TunnelTelemetry[] {
    return readTelemetry(conn, this.tunnelStatus, this.now());
  }

  customerGatewayConfiguration(conn: SimVpnConnection): string {
    const cgw = this.customerGateways.get(conn.customerGatewayId);
    const vgw = this.vpnGateways.get(conn.vpnGatewayId);
    if (!cgw || !vgw) throw new Error(`VPN connection ${conn.vpnConnectionId} lost its gateways`);
    return renderCustomerGatewayConfig(conn, cgw, vgw);
  }

  /** A resource in this region, or the NotFound AWS answers (ids of another region included). */
  need<T extends { region: string }>(
    map: Map<string, T>,
    region: string,
    id: string,
    code: string,
    kind: string,
  ): T {
    const item = map.get(id);
    if (!item || item.region !== region) throw notFound(code, kind, id);
    return item;
  }

  // ---- instances -----------------------------------------------------------------------------

  /** RunInstances; a client token seen before replays its launch instead of making another. */
  runInstances(
    region: string,
    req: RunInstancesRequest,
  ): { reservationId: string; instances: SimInstance[] } {
    return this.lifecycle.runInstances(region, req);
  }

  stopInstance(
    region: string,
    instanceId: string,
  ): { previous: InstanceStateName; current: InstanceStateName } {
    return this.lifecycle.stopInstance(region, instanceId);
  }

  startInstance(
    region: string,
    instanceId: string,
  ): { previous: InstanceStateName; current: InstanceStateName } {
    return this.lifecycle.startInstance(region, instanceId);
  }

  /** Move an instance to a state now (the world's "pull the plug"); emits `instance-state`. */
  setInstanceState(instanceId: string, to: InstanceStateName): void {
    this.lifecycle.setInstanceState(instanceId, to);
  }

  // ---- addresses and routes -------------------------------------------------------------------

  associateAddress(region: string, req: AssociateAddressRequest): { associationId: string } {
    return associateAddress(this, region, req);
  }

  routeTarget(
    region: string,
    t: { networkInterfaceId?: string; instanceId?: string; gatewayId?: string },
  ): Omit<SimRoute, 'destination' | 'origin'> {
    return routeTarget(this, region, t);
  }

  replaceRoute(region: string, req: RouteRequest): void {
    replaceRoute(this, region, req);
  }

  createRoute(region: string, req: RouteRequest): void {
    createRoute(this, region, req);
  }

  deleteRoute(region: string, req: { routeTableId: string; destination: string }): void {
    deleteRoute(this, region, req);
  }

  createTags(region: string, resourceIds: string[], tags: Tags): void {
    createTags(this, region, resourceIds, tags);
  }

  // ---- VPN -----------------------------------------------------------------------------------

  createCustomerGateway(
    region: string,
    req: { ipAddress: string; bgpAsn: number; tags: Tags },
  ): SimCustomerGateway {
    return createCustomerGateway(this, region, req);
  }

  createVpnConnection(region: string, req: VpnConnectionRequest): SimVpnConnection {
    return createVpnConnection(this, region, req);
  }

  // ---- public addresses ------------------------------------------------------------------------

  /** The next public address from the documentation ranges (Elastic IPs, VGW outside addresses). */
  allocatePublicIp(kind: 'elastic' | 'vgw'): string {
    const n = kind === 'elastic' ? ++this.elasticIpCount : ++this.vgwOutsideCount;
    if (n > 254) throw new Error(`the emulator ran out of documentation addresses for ${kind} IPs`);
    return `${kind === 'elastic' ? ELASTIC_IP_NET : VGW_OUTSIDE_NET}${n}`;
  }
}
