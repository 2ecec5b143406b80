import type {
  Address,
  CustomerGateway as SdkCustomerGateway,
  Image as SdkImage,
  Instance,
  RouteTable as SdkRouteTable,
  Tag,
  VpnConnection as SdkVpnConnection,
  Vpc as SdkVpc,
  VpnGateway as SdkVpnGateway,
} from '@aws-sdk/client-ec2';
import { CloudError } from '../errors.js';
import type {
  CustomerGateway,
  ElasticIp,
  Image,
  InstanceState,
  RouteTable,
  RouterInstance,
  Tags,
  Vpc,
  VpnConnection,
  VpnGateway,
} from './types.js';

/** Where the SDK's shapes become flatnet's: the only file that knows both. */

export function toTags(tags: Tag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function fromTags(tags: Tags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function missing(what: string, region: string): CloudError {
  return new CloudError(
    'MalformedResponse',
    `EC2 in ${region} answered without ${what}.`,
    'Check the EC2 endpoint setting: it does not look like EC2.',
  );
}

export function toRouterInstance(i: Instance, region: string): RouterInstance {
  if (!i.InstanceId) throw missing('an instance id', region);
  // The primary interface is device 0; routes and the Elastic IP are bound to it.
  const primary =
    i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0) ?? i.NetworkInterfaces?.[0];
  return {
    instanceId: i.InstanceId,
    region,
    state: (i.State?.Name ?? 'pending') as InstanceState,
    type: i.InstanceType ?? 'unknown',
    imageId: i.ImageId ?? '',
    privateIp: i.PrivateIpAddress ?? primary?.PrivateIpAddress ?? '',
    networkInterfaceId: primary?.NetworkInterfaceId ?? '',
    extraInterfaces: (i.NetworkInterfaces ?? []).flatMap((n) =>
      n !== primary && n.NetworkInterfaceId && n.Attachment?.AttachmentId
        ? [
            {
              networkInterfaceId: n.NetworkInterfaceId,
              attachmentId: n.Attachment.AttachmentId,
              deviceIndex: n.Attachment.DeviceIndex ?? 1,
            },
          ]
        : [],
    ),
    sourceDestCheck: i.SourceDestCheck ?? true,
    tags: toTags(i.Tags),
    subnetId: i.SubnetId,
    vpcId: i.VpcId,
    interfaces: (i.NetworkInterfaces ?? [])
      .flatMap((n) =>
        n.NetworkInterfaceId
          ? [
              {
                networkInterfaceId: n.NetworkInterfaceId,
                deviceIndex: n.Attachment?.DeviceIndex ?? 0,
                privateIp: n.PrivateIpAddress,
                subnetId: n.SubnetId,
                vpcId: n.VpcId,
              },
            ]
          : [],
      )
      .sort((a, b) => a.deviceIndex - b.deviceIndex),
    publicIp: i.PublicIpAddress,
    clientToken: i.ClientToken || undefined,
    launchTime: i.LaunchTime,
    ...(i.StateReason?.Message ? { stateReason: i.StateReason.Message } : {}),
  };
}

export function toElasticIp(a: Address, region: string): ElasticIp {
  if (!a.AllocationId || !a.PublicIp) throw missing('an allocation id and public IP', region);
  return {
    allocationId: a.AllocationId,
    region,
    publicIp: a.PublicIp,
    associationId: a.AssociationId,
    instanceId: a.InstanceId,
    networkInterfaceId: a.NetworkInterfaceId,
    privateIp: a.PrivateIpAddress,
    tags: toTags(a.Tags),
  };
}

export function toRouteTable(t: SdkRouteTable): RouteTable {
  return {
    id: t.RouteTableId ?? '',
    vpcId: t.VpcId ?? '',
    routes: (t.Routes ?? [])
      .filter((r) => r.DestinationCidrBlock !== undefined)
      .map((r) => ({
        destination: r.DestinationCidrBlock as string,
        networkInterfaceId: r.NetworkInterfaceId,
        instanceId: r.InstanceId,
        gatewayId: r.GatewayId,
        state: r.State === 'blackhole' ? 'blackhole' : 'active',
        ...(r.Origin === 'EnableVgwRoutePropagation' ? { propagated: true } : {}),
      })),
    subnetIds: (t.Associations ?? []).flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
    main: (t.Associations ?? []).some((a) => a.Main === true),
    propagatingVgws: (t.PropagatingVgws ?? []).flatMap((g) => (g.GatewayId ? [g.GatewayId] : [])),
    tags: toTags(t.Tags),
  };
}

export function toVpnConnection(c: SdkVpnConnection): VpnConnection {
  return {
    id: c.VpnConnectionId ?? '',
    state: c.State ?? 'unknown',
    vpnGatewayId: c.VpnGatewayId ?? '',
    customerGatewayId: c.CustomerGatewayId ?? '',
    staticRoutesOnly: c.Options?.StaticRoutesOnly ?? false,
    customerGatewayConfiguration: c.CustomerGatewayConfiguration,
    tunnels: (c.VgwTelemetry ?? []).map((t) => ({
      outsideIp: t.OutsideIpAddress ?? '',
      status: t.Status === 'UP' ? 'UP' : 'DOWN',
      statusMessage: t.StatusMessage ?? '',
      lastStatusChange: t.LastStatusChange,
      acceptedRouteCount: t.AcceptedRouteCount,
    })),
    tags: toTags(c.Tags),
  };
}

/**
 * A VPC's ranges in use: the associations in state `associated` (one being added or removed is
 * not routed yet), the primary `CidrBlock` first.
 */
export function toVpc(v: SdkVpc): Vpc {
  const associated = (v.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === 'associated' && a.CidrBlock)
    .map((a) => a.CidrBlock as string);
  const primary = v.CidrBlock && associated.includes(v.CidrBlock) ? [v.CidrBlock] : [];
  return {
    id: v.VpcId ?? '',
    cidrs: [...primary, ...associated.filter((c) => c !== v.CidrBlock)],
    tags: toTags(v.Tags),
  };
}

export function toVpnGateway(g: SdkVpnGateway): VpnGateway {
  return {
    id: g.VpnGatewayId ?? '',
    state: g.State ?? 'unknown',
    amazonSideAsn: g.AmazonSideAsn,
    vpcIds: (g.VpcAttachments ?? [])
      .filter((a) => a.State === 'attached' && a.VpcId)
      .map((a) => a.VpcId as string),
    tags: toTags(g.Tags),
  };
}

export function toCustomerGateway(c: SdkCustomerGateway): CustomerGateway {
  return {
    id: c.CustomerGatewayId ?? '',
    ipAddress: c.IpAddress ?? '',
    bgpAsn: Number(c.BgpAsn ?? 0),
    state: c.State ?? 'unknown',
    tags: toTags(c.Tags),
  };
}

export function toImage(i: SdkImage): Image {
  return {
    imageId: i.ImageId ?? '',
    name: i.Name ?? '',
    creationDate: i.CreationDate ?? '',
    tags: toTags(i.Tags),
  };
}
