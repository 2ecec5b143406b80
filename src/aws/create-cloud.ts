import type { EC2Client, Filter, _InstanceType } from '@aws-sdk/client-ec2';
import { MANAGED_TAG } from './iam-policy.js';
import { BadInputError, CloudError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Cloud, CustomerGatewayRequest, VpnConnectionRequest } from './cloud.js';
import type { Ec2Action } from './ec2-actions.js';
import { loadEc2Sdk, type Ec2Sdk } from './load-ec2-sdk.js';
import { describeEndpoint, toCloudError } from './map-aws-error.js';
import {
  fromTags,
  toCustomerGateway,
  toElasticIp,
  toImage,
  toRouteTable,
  toRouterInstance,
  toVpc,
  toVpnConnection,
  toVpnGateway,
} from './to-domain.js';
import type {
  CustomerGateway,
  InstanceState,
  LaunchRequest,
  RouterInstance,
  RouteTableFilter,
  Tags,
  VpnConnection,
} from './types.js';

export interface CloudOptions {
  /** EC2 endpoint override (the emulator); defaults to AWS_ENDPOINT_URL_EC2, then AWS itself. */
  endpoint?: string;
  /** Static credentials (tests, the demo); the standard credential chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per call, retries included (SDK default 3). */
  maxAttempts?: number;
  /** waitUntilRunning's polling: seconds, fractions allowed (0.05 in tests). */
  waiter?: { minDelaySeconds: number; maxWaitSeconds: number; maxDelaySeconds?: number };
  logger?: Logger;
  /** Where AWS_ENDPOINT_URL_EC2 is read from; process.env by default. */
  env?: Record<string, string | undefined>;
}

const MANAGED = { Key: MANAGED_TAG, Value: 'true' };

const DEFAULT_WAITER = { minDelaySeconds: 5, maxWaitSeconds: 600 };

/**
 * An empty InstanceId reaches EC2 as "no filter" in some calls (DescribeInstances answers every
 * instance): never send one.
 */
function emptyInstanceId(call: string): CloudError {
  return new CloudError(
    'MissingInstanceId',
    `flatnet asked ${call} for an instance without an id.`,
    'This is a bug in flatnet: the step lost the instance id it needed; the run stops here.',
  );
}

/** AWS's client-token rule: up to 64 ASCII characters. */
function checkClientToken(token: string): void {
  if (token.length === 0 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
    throw new BadInputError(
      `The launch client token "${token.slice(0, 80)}" is not 1 to 64 printable ASCII characters.`,
      'Derive it from the run id and step id (e.g. r-7k2m9q-launch): ' +
        'the same token on a resumed run is what prevents a second launch.',
    );
  }
}

function isDryRunOk(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'DryRunOperation';
}

function isMissingRoute(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === 'InvalidRoute.NotFound') return true;
  // Real AWS answers this for a missing route, although the docs promise InvalidRoute.NotFound.
  return e?.name === 'InvalidParameterValue' && /no route defined/i.test(e.message ?? '');
}

/**
 * The EC2 adapter: one SDK client per region, created on first use and reused, with adaptive
 * retries (throttling slows the client down instead of hammering the API). The SDK itself is
 * imported on the first call (see load-ec2-sdk.ts): building a Cloud costs no memory.
 */
export function createCloud(options: CloudOptions = {}): Cloud {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_EC2 ?? undefined;
  const waiter = { ...DEFAULT_WAITER, ...options.waiter };
  const log = options.logger?.child({ component: 'aws' });
  const clients = new Map<string, EC2Client>();

  /** The region's client, and the SDK module its commands come from (loaded on the first call). */
  async function client(region: string): Promise<{ c: EC2Client; sdk: Ec2Sdk }> {
    const sdk = await loadEc2Sdk();
    // Looked up after the await: concurrent first calls for a region still share one client.
    let c = clients.get(region);
    if (!c) {
      c = new sdk.EC2Client({
        region,
        endpoint,
        credentials: options.credentials,
        maxAttempts: options.maxAttempts ?? 3,
        retryMode: 'adaptive',
      });
      clients.set(region, c);
    }
    return { c, sdk };
  }

  /** Every AWS call goes through here: the action name must be in EC2_ACTIONS_USED. */
  async function call<T>(
    region: string,
    action: Ec2Action,
    run: (c: EC2Client, sdk: Ec2Sdk) => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    try {
      const { c, sdk } = await client(region);
      const out = await run(c, sdk);
      log?.debug({ action, region, ms: Date.now() - started }, 'ec2 call');
      return out;
    } catch (err) {
      log?.debug(
        { action, region, ms: Date.now() - started, code: (err as { name?: string }).name },
        'ec2 call failed',
      );
      throw err;
    }
  }

  /** A call that maps every failure to a CloudError. */
  async function send<T>(
    region: string,
    action: Ec2Action,
    run: (c: EC2Client, sdk: Ec2Sdk) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(region, action, run);
    } catch (err) {
      throw toCloudError(err, { action, region, endpoint });
    }
  }

  /** DryRun always throws on AWS: DryRunOperation means "would have succeeded". */
  async function dryRun(
    region: string,
    action: Ec2Action,
    run: (c: EC2Client, sdk: Ec2Sdk) => Promise<unknown>,
  ): Promise<void> {
    try {
      await call(region, action, run);
    } catch (err) {
      if (isDryRunOk(err)) return;
      throw toCloudError(err, { action, region, endpoint });
    }
    throw new CloudError(
      'DryRunIgnored',
      `EC2 performed ec2:${action} in ${region} although DryRun was set.`,
      `Check the EC2 endpoint (${describeEndpoint(endpoint, region)}): real EC2 never does this.`,
    );
  }

  async function instances(
    region: string,
    input: { InstanceIds?: string[]; Filters?: Filter[] },
  ): Promise<RouterInstance[]> {
    const out = await send(region, 'DescribeInstances', (c, sdk) =>
      c.send(new sdk.DescribeInstancesCommand(input)),
    );
    return (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => toRouterInstance(i, region));
  }

  async function describeInstance(region: string, instanceId: string): Promise<RouterInstance> {
    if (!instanceId) throw emptyInstanceId('DescribeInstances');
    const [found] = await instances(region, { InstanceIds: [instanceId] });
    if (!found) {
      throw new CloudError(
        'InvalidInstanceID.NotFound',
        `The instance ${instanceId} does not exist in ${region}.`,
        'Check routers.<name>.instanceId and routers.<name>.region in the inventory.',
      );
    }
    return found;
  }

  // Overloaded (a dry run resolves undefined, a real call the object), which an object-literal
  // method cannot be.
  function createCustomerGateway(
    region: string,
    req: CustomerGatewayRequest & { dryRun: true },
  ): Promise<undefined>;
  function createCustomerGateway(
    region: string,
    req: CustomerGatewayRequest & { dryRun?: false },
  ): Promise<CustomerGateway>;
  async function createCustomerGateway(
    region: string,
    req: CustomerGatewayRequest & { dryRun?: boolean },
  ): Promise<CustomerGateway | undefined> {
    const input = {
      Type: 'ipsec.1' as const,
      // IpAddress, not PublicIp: the API reference marks PublicIp deprecated.
      IpAddress: req.publicIp,
      BgpAsn: req.bgpAsn,
      // flatnet:managed on create: what the IAM policy lets flatnet create and use (iam-policy.ts).
      TagSpecifications: [
        {
          ResourceType: 'customer-gateway' as const,
          Tags: [{ Key: 'Name', Value: req.name }, MANAGED],
        },
      ],
    };
    if (req.dryRun) {
      await dryRun(region, 'CreateCustomerGateway', (c, sdk) =>
        c.send(new sdk.CreateCustomerGatewayCommand({ ...input, DryRun: true })),
      );
      return undefined;
    }
    const out = await send(region, 'CreateCustomerGateway', (c, sdk) =>
      c.send(new sdk.CreateCustomerGatewayCommand(input)),
    );
    if (!out.CustomerGateway)
      throw new CloudError(
        'MalformedResponse',
        `CreateCustomerGateway in ${region} returned no gateway.`,
        'Check the EC2 endpoint setting.',
      );
    return toCustomerGateway(out.CustomerGateway);
  }

  function createVpnConnection(
    region: string,
    req: VpnConnectionRequest & { dryRun: true },
  ): Promise<undefined>;
  function createVpnConnection(
    region: string,
    req: VpnConnectionRequest & { dryRun?: false },
  ): Promise<VpnConnection>;
  async function createVpnConnection(
    region: string,
    req: VpnConnectionRequest & { dryRun?: boolean },
  ): Promise<VpnConnection | undefined> {
    const input = {
      Type: 'ipsec.1',
      CustomerGatewayId: req.customerGatewayId,
      VpnGatewayId: req.vpnGatewayId,
      Options: {
        StaticRoutesOnly: req.staticRoutesOnly,
        TunnelOptions: req.tunnelInsideCidrs?.map((TunnelInsideCidr) => ({ TunnelInsideCidr })),
      },
      TagSpecifications: [
        {
          ResourceType: 'vpn-connection' as const,
          Tags: [...(req.name ? [{ Key: 'Name', Value: req.name }] : []), MANAGED],
        },
      ],
    };
    if (req.dryRun) {
      await dryRun(region, 'CreateVpnConnection', (c, sdk) =>
        c.send(new sdk.CreateVpnConnectionCommand({ ...input, DryRun: true })),
      );
      return undefined;
    }
    const out = await send(region, 'CreateVpnConnection', (c, sdk) =>
      c.send(new sdk.CreateVpnConnectionCommand(input)),
    );
    if (!out.VpnConnection)
      throw new CloudError(
        'MalformedResponse',
        `CreateVpnConnection in ${region} returned no connection.`,
        'Check the EC2 endpoint setting.',
      );
    return toVpnConnection(out.VpnConnection);
  }

  const cloud: Cloud = {
    describeInstance,

    async findRouterInstances(region, { names, instanceIds }) {
      const byName =
        names.length > 0
          ? await instances(region, { Filters: [{ Name: 'tag:Name', Values: names }] })
          : [];
      const untagged = instanceIds.filter((id) => !byName.some((i) => i.instanceId === id));
      const byId =
        untagged.length > 0
          ? await instances(region, { Filters: [{ Name: 'instance-id', Values: untagged }] })
          : [];
      return [...byName, ...byId];
    },

    async findInstanceByClientToken(region, clientToken) {
      const found = await instances(region, {
        Filters: [{ Name: 'client-token', Values: [clientToken] }],
      });
      return found.find((i) => i.state !== 'terminated' && i.state !== 'shutting-down');
    },

    async describeAddress(region, allocationId) {
      const out = await send(region, 'DescribeAddresses', (c, sdk) =>
        c.send(new sdk.DescribeAddressesCommand({ AllocationIds: [allocationId] })),
      );
      const address = out.Addresses?.[0];
      if (!address)
        throw new CloudError(
          'InvalidAllocationID.NotFound',
          `The Elastic IP ${allocationId} does not exist in ${region}.`,
          'Check the Elastic IP allocation id (eipalloc-…) of the router in the inventory.',
        );
      return toElasticIp(address, region);
    },

    async describeRouteTables(region, filter: RouteTableFilter = {}) {
      // `route.network-interface-id` is not among DescribeRouteTables' documented filters
      // (EC2 API reference): ask by VPC or table id and match the interface here.
      const input = {
        RouteTableIds: filter.routeTableIds?.length ? filter.routeTableIds : undefined,
        Filters: filter.vpcId ? [{ Name: 'vpc-id', Values: [filter.vpcId] }] : undefined,
      };
      const out = await send(region, 'DescribeRouteTables', (c, sdk) =>
        c.send(new sdk.DescribeRouteTablesCommand(input)),
      );
      const tables = (out.RouteTables ?? []).map(toRouteTable);
      const eni = filter.networkInterfaceId;
      return eni
        ? tables.filter((t) => t.routes.some((r) => r.networkInterfaceId === eni))
        : tables;
    },

    async describeVpnConnections(region) {
      const out = await send(region, 'DescribeVpnConnections', (c, sdk) =>
        c.send(new sdk.DescribeVpnConnectionsCommand({})),
      );
      return (out.VpnConnections ?? []).map(toVpnConnection);
    },

    async describeVpnGateways(region, filter = {}) {
      const Filters = filter.vpcId
        ? [{ Name: 'attachment.vpc-id', Values: [filter.vpcId] }]
        : undefined;
      const out = await send(region, 'DescribeVpnGateways', (c, sdk) =>
        c.send(new sdk.DescribeVpnGatewaysCommand({ Filters })),
      );
      return (out.VpnGateways ?? []).map(toVpnGateway);
    },

    async describeVpcs(region, vpcIds) {
      if (vpcIds.length === 0) return [];
      const out = await send(region, 'DescribeVpcs', (c, sdk) =>
        c.send(new sdk.DescribeVpcsCommand({ VpcIds: vpcIds })),
      );
      return (out.Vpcs ?? []).map(toVpc);
    },

    async newestImageTagged(region, key, value) {
      // Only images that can launch now: a pending or failed AMI with the tag is not a candidate.
      const input = {
        Owners: ['self'],
        Filters: [
          { Name: `tag:${key}`, Values: [value] },
          { Name: 'state', Values: ['available'] },
        ],
      };
      const out = await send(region, 'DescribeImages', (c, sdk) =>
        c.send(new sdk.DescribeImagesCommand(input)),
      );
      // AWS returns images in no particular order: the newest is found by CreationDate (ISO 8601
      // sorts as text).
      const images = (out.Images ?? [])
        .map(toImage)
        .sort((a, b) => b.creationDate.localeCompare(a.creationDate));
      return images[0];
    },

    async launchInstance(region, req: LaunchRequest) {
      checkClientToken(req.clientToken);
      const input = {
        ImageId: req.imageId,
        InstanceType: req.type as _InstanceType, // the SDK's list lags new types; EC2 validates
        SubnetId: req.subnetId,
        PrivateIpAddress: req.privateIp,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: req.clientToken,
        // The instance, its root volume and its interface carry the same tags (flatnet:router
        // among them): the IAM policy lets flatnet launch only what is tagged so.
        TagSpecifications: Object.keys(req.tags).length
          ? (['instance', 'volume', 'network-interface'] as const).map((ResourceType) => ({
              ResourceType,
              Tags: fromTags(req.tags),
            }))
          : undefined,
      };
      if (req.dryRun) {
        await dryRun(region, 'RunInstances', (c, sdk) =>
          c.send(new sdk.RunInstancesCommand({ ...input, DryRun: true })),
        );
        return undefined;
      }
      const out = await send(region, 'RunInstances', (c, sdk) =>
        c.send(new sdk.RunInstancesCommand(input)),
      );
      const instance = out.Instances?.[0];
      if (!instance)
        throw new CloudError(
          'MalformedResponse',
          `RunInstances in ${region} returned no instance.`,
          'Check the EC2 endpoint setting.',
        );
      return toRouterInstance(instance, region);
    },

    async waitUntilRunning(region, instanceId) {
      if (!instanceId) throw emptyInstanceId('waitUntilRunning');
      // Not the SDK's waitUntilInstanceRunning: its failure states are shutting-down,
      // terminated and stopping, so an instance that reached `stopped` between two polls kept
      // it waiting for the whole maxWaitTime. Anything but pending or running ends the wait.
      const maxDelay =
        waiter.maxDelaySeconds ??
        Math.max(waiter.minDelaySeconds, Math.min(waiter.minDelaySeconds * 4, 30));
      const deadline = Date.now() + waiter.maxWaitSeconds * 1000;
      for (let delay = waiter.minDelaySeconds; ; delay = Math.min(delay * 2, maxDelay)) {
        const now = await describeInstance(region, instanceId).catch((err: unknown) => {
          // Right after RunInstances, EC2 may not know the id yet (eventual consistency).
          if (err instanceof CloudError && err.awsCode === 'InvalidInstanceID.NotFound')
            return undefined;
          throw err;
        });
        if (now?.state === 'running') return now;
        if (now && now.state !== 'pending') {
          const why = now.stateReason ? ` (${now.stateReason})` : '';
          throw new CloudError(
            'InstanceNotRunning',
            `The instance ${instanceId} in ${region} stopped booting: it is ${now.state}${why}.`,
            'Check its console output and the AMI; launch again with a new run.',
          );
        }
        if (Date.now() + delay * 1000 > deadline)
          throw new CloudError(
            'WaiterTimeout',
            `The instance ${instanceId} in ${region} was ` +
              `not running after ${waiter.maxWaitSeconds} s.`,
            'Look at the instance in the EC2 console (status ' +
              'checks, capacity); the run can be resumed once it runs.',
          );
        await new Promise((resolve) => setTimeout(resolve, delay * 1000));
      }
    },

    async disableSourceDestCheck(region, instanceId, isDryRun = false) {
      if (!instanceId) throw emptyInstanceId('ModifyInstanceAttribute');
      // A VyOS instance forwards nothing while EC2 checks source/destination addresses.
      const input = { InstanceId: instanceId, SourceDestCheck: { Value: false } };
      if (isDryRun)
        return dryRun(region, 'ModifyInstanceAttribute', (c, sdk) =>
          c.send(new sdk.ModifyInstanceAttributeCommand({ ...input, DryRun: true })),
        );
      await send(region, 'ModifyInstanceAttribute', (c, sdk) =>
        c.send(new sdk.ModifyInstanceAttributeCommand(input)),
      );
    },

    async associateAddress(region, req) {
      // AllowReassociation: the address moves from the old router in one call (no gap to
      // disassociate).
      const input = {
        AllocationId: req.allocationId,
        NetworkInterfaceId: req.networkInterfaceId,
        AllowReassociation: true,
      };
      if (req.dryRun) {
        await dryRun(region, 'AssociateAddress', (c, sdk) =>
          c.send(new sdk.AssociateAddressCommand({ ...input, DryRun: true })),
        );
        return {};
      }
      const out = await send(region, 'AssociateAddress', (c, sdk) =>
        c.send(new sdk.AssociateAddressCommand(input)),
      );
      return { associationId: out.AssociationId };
    },

    async replaceRoute(region, req) {
      const input = {
        RouteTableId: req.routeTableId,
        DestinationCidrBlock: req.destination,
        NetworkInterfaceId: req.networkInterfaceId,
        DryRun: req.dryRun || undefined,
      };
      try {
        await call(region, 'ReplaceRoute', (c, sdk) => c.send(new sdk.ReplaceRouteCommand(input)));
      } catch (err) {
        if (isMissingRoute(err)) return 'missing';
        if (req.dryRun && isDryRunOk(err)) return 'replaced';
        throw toCloudError(err, { action: 'ReplaceRoute', region, endpoint });
      }
      if (req.dryRun)
        throw new CloudError(
          'DryRunIgnored',
          `EC2 replaced a route in ${region} although DryRun was set.`,
          'Check the EC2 endpoint setting.',
        );
      return 'replaced';
    },

    async createRoute(region, req) {
      const input = {
        RouteTableId: req.routeTableId,
        DestinationCidrBlock: req.destination,
        NetworkInterfaceId: req.networkInterfaceId,
      };
      if (req.dryRun) {
        await dryRun(region, 'CreateRoute', (c, sdk) =>
          c.send(new sdk.CreateRouteCommand({ ...input, DryRun: true })),
        );
        return 'created';
      }
      try {
        await call(region, 'CreateRoute', (c, sdk) => c.send(new sdk.CreateRouteCommand(input)));
      } catch (err) {
        if ((err as { name?: string } | null)?.name === 'RouteAlreadyExists') return 'exists';
        throw toCloudError(err, { action: 'CreateRoute', region, endpoint });
      }
      return 'created';
    },

    async deleteRoute(region, req) {
      const input = { RouteTableId: req.routeTableId, DestinationCidrBlock: req.destination };
      try {
        await call(region, 'DeleteRoute', (c, sdk) => c.send(new sdk.DeleteRouteCommand(input)));
      } catch (err) {
        if (isMissingRoute(err)) return 'missing';
        throw toCloudError(err, { action: 'DeleteRoute', region, endpoint });
      }
      return 'deleted';
    },

    async moveNetworkInterface(region, req) {
      const attach = {
        NetworkInterfaceId: req.networkInterfaceId,
        InstanceId: req.toInstanceId,
        DeviceIndex: req.deviceIndex,
      };
      const attachmentId = req.attachmentId;
      if (req.dryRun) {
        if (attachmentId !== null)
          await dryRun(region, 'DetachNetworkInterface', (c, sdk) =>
            c.send(
              new sdk.DetachNetworkInterfaceCommand({ AttachmentId: attachmentId, DryRun: true }),
            ),
          );
        await dryRun(region, 'AttachNetworkInterface', (c, sdk) =>
          c.send(new sdk.AttachNetworkInterfaceCommand({ ...attach, DryRun: true })),
        );
        return undefined;
      }
      if (attachmentId !== null)
        await send(region, 'DetachNetworkInterface', (c, sdk) =>
          c.send(new sdk.DetachNetworkInterfaceCommand({ AttachmentId: attachmentId })),
        );
      // AWS detaches asynchronously (detaching → available): attach only once it is free.
      const until = Date.now() + waiter.maxWaitSeconds * 1000;
      for (;;) {
        const out = await send(region, 'DescribeNetworkInterfaces', (c, sdk) =>
          c.send(
            new sdk.DescribeNetworkInterfacesCommand({
              NetworkInterfaceIds: [req.networkInterfaceId],
            }),
          ),
        );
        if (out.NetworkInterfaces?.[0]?.Status === 'available') break;
        if (Date.now() > until)
          throw new CloudError(
            'WaiterTimeout',
            `${req.networkInterfaceId} in ${region} was still not ` +
              `available ${waiter.maxWaitSeconds} s after it was detached.`,
            'Look at it in the EC2 console, then attach it to ' +
              `${req.toInstanceId} at device index ${req.deviceIndex} by hand.`,
          );
        await new Promise((r) => setTimeout(r, waiter.minDelaySeconds * 1000));
      }
      const out = await send(region, 'AttachNetworkInterface', (c, sdk) =>
        c.send(new sdk.AttachNetworkInterfaceCommand(attach)),
      );
      return out.AttachmentId;
    },

    async setVgwRoutePropagation(region, req) {
      const input = { RouteTableId: req.routeTableId, GatewayId: req.vpnGatewayId };
      if (req.enabled) {
        if (req.dryRun)
          return dryRun(region, 'EnableVgwRoutePropagation', (c, sdk) =>
            c.send(new sdk.EnableVgwRoutePropagationCommand({ ...input, DryRun: true })),
          );
        await send(region, 'EnableVgwRoutePropagation', (c, sdk) =>
          c.send(new sdk.EnableVgwRoutePropagationCommand(input)),
        );
        return;
      }
      if (req.dryRun)
        return dryRun(region, 'DisableVgwRoutePropagation', (c, sdk) =>
          c.send(new sdk.DisableVgwRoutePropagationCommand({ ...input, DryRun: true })),
        );
      await send(region, 'DisableVgwRoutePropagation', (c, sdk) =>
        c.send(new sdk.DisableVgwRoutePropagationCommand(input)),
      );
    },

    async stopInstance(region, instanceId, isDryRun = false): Promise<InstanceState | undefined> {
      if (!instanceId) throw emptyInstanceId('StopInstances');
      if (isDryRun) {
        await dryRun(region, 'StopInstances', (c, sdk) =>
          c.send(new sdk.StopInstancesCommand({ InstanceIds: [instanceId], DryRun: true })),
        );
        return undefined;
      }
      const out = await send(region, 'StopInstances', (c, sdk) =>
        c.send(new sdk.StopInstancesCommand({ InstanceIds: [instanceId] })),
      );
      return out.StoppingInstances?.[0]?.CurrentState?.Name as InstanceState | undefined;
    },

    async createTags(region, resourceIds, tags: Tags) {
      await send(region, 'CreateTags', (c, sdk) =>
        c.send(new sdk.CreateTagsCommand({ Resources: resourceIds, Tags: fromTags(tags) })),
      );
    },

    createCustomerGateway,
    createVpnConnection,

    close() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
  return cloud;
}
