/**
 * The plan step's reading of the world: which VGW the id names, which router terminates the
 * tunnels (whoever holds the hub's Elastic IP), and whether the hub is already attached to
 * this VGW. Only reads. Refuses, with the fix, what AWS would refuse later or what would
 * hurt the hub: no VGW, an ASN clash, a half-configured attachment.
 */
import type { VpnConnection, VpnGateway } from '../aws/types.js';
import { unlistedVpcName } from '../aws/vpc-name.js';
import type { Inventory } from '../config/inventory-schema.js';
import { BadInputError, CloudError, FlatnetError } from '../errors.js';
import { parseCustomerGatewayConfig } from '../vyos/parse-customer-gateway-config.js';
import type { ConfigLine } from '../vyos/types.js';
import type { AttachCloud } from './attach-deps.js';
import type { AttachPlan } from './attach-vpc-steps.js';
import { findHubRouter } from './find-hub-router.js';
import { peerTo, readHubTunnels } from './read-hub-tunnels.js';

export interface ResolveDeps {
  inventory: Inventory;
  cloud: AttachCloud;
  /** The named router's running configuration (`show configuration commands`). */
  readHubConfig(router: string): Promise<ConfigLine[]>;
}

/**
 * A VPN connection from the hub's public address to the VGW, as its generated configuration says.
 */
export interface HubConnection {
  vpnConnectionId: string;
  customerGatewayId: string;
  staticRoutesOnly: boolean;
  outsideAddresses: [string, string];
  customerGatewayAsn: number | undefined;
}

const GONE = new Set(['deleting', 'deleted']);

export function checkRegion(inventory: Inventory, region: string): void {
  if (!Object.hasOwn(inventory.regions, region)) {
    throw new BadInputError(
      `${region} is not a region of this inventory`,
      `regions: ${Object.keys(inventory.regions).sort().join(', ')}; ` +
        'add the region under regions: if flatnet should manage it',
    );
  }
}

async function findVgw(cloud: AttachCloud, id: string, region: string): Promise<VpnGateway> {
  if (id.startsWith('vgw-')) {
    const vgw = (await cloud.describeVpnGateways(region)).find((g) => g.id === id);
    if (!vgw)
      throw new BadInputError(
        `there is no Virtual Private Gateway ${id} in ${region}`,
        `check the id and the region: aws ec2 describe-vpn-gateways --region ${region}`,
      );
    if (vgw.vpcIds.length === 0) {
      throw new BadInputError(
        `${id} is not attached to any VPC`,
        'attach it first: aws ec2 attach-vpn-gateway --region ' +
          `${region} --vpn-gateway-id ${id} --vpc-id vpc-…`,
      );
    }
    return vgw;
  }
  const vgw = (await cloud.describeVpnGateways(region, { vpcId: id })).find(
    (g) => !GONE.has(g.state) && g.vpcIds.includes(id),
  );
  if (!vgw) {
    throw new BadInputError(
      `${id} in ${region} has no Virtual Private Gateway, so AWS has nothing to terminate a VPN on`,
      'create and attach a Virtual Private Gateway first: aws ec2 ' +
        `create-vpn-gateway --region ${region} --type ipsec.1, then aws ec2 ` +
        `attach-vpn-gateway --region ${region} --vpn-gateway-id vgw-… --vpc-id ` +
        `${id}; then run /vpn attach-vpc ${id} --region ${region} again`,
    );
  }
  return vgw;
}

/**
 * The ranges of a VPC the inventory does not list, as EC2 says (primary first); an id EC2 does
 * not know is refused with the fix.
 */
async function readVpc(cloud: AttachCloud, vpcId: string, region: string) {
  try {
    const [vpc] = await cloud.describeVpcs(region, [vpcId]);
    return vpc;
  } catch (err) {
    if (!(err instanceof CloudError) || err.awsCode !== 'InvalidVpcID.NotFound') throw err;
    throw new BadInputError(
      `there is no VPC ${vpcId} in ${region}`,
      `check the id and the region (aws ec2 describe-vpcs --region ${region}); a VPC of ` +
        'another region needs --region <its region>',
    );
  }
}

/**
 * Connections on this VGW whose customer gateway is the hub's public address (read from AWS's
 * generated configuration).
 */
export function hubConnections(
  connections: VpnConnection[],
  vgwId: string,
  hubPublicIp: string,
): HubConnection[] {
  const found: HubConnection[] = [];
  for (const c of connections) {
    if (c.vpnGatewayId !== vgwId || GONE.has(c.state) || !c.customerGatewayConfiguration) continue;
    // Parsed here and dropped: the document carries the pre-shared keys.
    const config = parseCustomerGatewayConfig(c.customerGatewayConfiguration);
    const [t1, t2] = config.tunnels;
    if (t1.customerGateway.outsideAddress !== hubPublicIp) continue;
    found.push({
      vpnConnectionId: c.id,
      customerGatewayId: c.customerGatewayId,
      staticRoutesOnly: config.staticRoutesOnly,
      outsideAddresses: [t1.vpnGateway.outsideAddress, t2.vpnGateway.outsideAddress],
      customerGatewayAsn: t1.customerGateway.asn,
    });
  }
  return found;
}

export function asnConflict(hubAsn: number, vgw: VpnGateway): FlatnetError {
  return new BadInputError(
    `the hub's BGP ASN ${hubAsn} is the same as ${vgw.id}'s ` +
      'Amazon-side ASN: AWS refuses such a VPN connection (AsnConflict), ' +
      `because each BGP speaker would drop the other's routes as its own`,
    'give the hub a different private ASN (hub.asn / routers.<hub>.asn in ' +
      'the inventory, e.g. 65000), or recreate the VGW with another one: ' +
      'aws ec2 create-vpn-gateway --type ipsec.1 --amazon-side-asn 64513',
  );
}

export async function resolveAttachment(
  request: { id: string; region: string },
  deps: ResolveDeps,
): Promise<AttachPlan> {
  const { inventory, cloud } = deps;
  const { id, region } = request;
  checkRegion(inventory, region);
  const hub = findHubRouter(inventory);

  // Whoever holds the Elastic IP terminates the tunnels (after a failover: the standby).
  const eip = await cloud.describeAddress(hub.entry.region, hub.entry.elasticIp.allocationId);
  if (!eip.instanceId) {
    throw new FlatnetError(
      'UNKNOWN_TARGET',
      `the hub's Elastic IP ${eip.publicIp} is not associated ` +
        'with any instance, so no router can terminate the tunnels',
      `associate it with ${hub.name} (or run /router failback) first`,
    );
  }
  const holderName = Object.entries(inventory.routers).find(
    ([, r]) => r.instanceId === eip.instanceId,
  )?.[0];
  if (!holderName) {
    throw new FlatnetError(
      'UNKNOWN_TARGET',
      `the hub's Elastic IP ${eip.publicIp} is held by ` +
        `${eip.instanceId}, which is not a router of the inventory`,
      'update routers.<hub>.instanceId in the inventory (after ' +
        'a scale-up the new instance id is in the run summary)',
    );
  }
  const hubPrivateIp =
    eip.privateIp ?? (await cloud.describeInstance(hub.entry.region, eip.instanceId)).privateIp;

  const listed = (vpcId: string | null) =>
    inventory.regions[region]?.vpcs.find((v) => v.id === vpcId);
  // A VPC the inventory does not list: EC2 says whether it exists and which ranges it has,
  // before its gateway is looked for (an unknown id is named as such, not as "no gateway").
  const early = id.startsWith('vpc-') && !listed(id) ? await readVpc(cloud, id, region) : undefined;
  const vgw = await findVgw(cloud, id, region);
  const vpcId = id.startsWith('vpc-') ? id : (vgw.vpcIds[0] ?? null);
  const known = listed(vpcId);
  const fromEc2 =
    known || vpcId === null ? undefined : (early ?? (await readVpc(cloud, vpcId, region)));
  const vpcCidrs = known ? [known.cidr] : (fromEc2?.cidrs ?? []);
  const vpcName = known?.name ?? (vpcId === null ? vgw.id : unlistedVpcName(vpcId, fromEc2, vgw));

  const hubTunnels = readHubTunnels(await deps.readHubConfig(holderName));
  // The router's own word beats the inventory: the rendered BGP lines set system-as.
  const hubAsn = hubTunnels.systemAs ?? hub.asn;
  if (vgw.amazonSideAsn !== undefined && vgw.amazonSideAsn === hubAsn)
    throw asnConflict(hubAsn, vgw);

  const candidates = hubConnections(
    await cloud.describeVpnConnections(region),
    vgw.id,
    eip.publicIp,
  );
  let existing: HubConnection | undefined;
  for (const c of candidates) {
    const peers = c.outsideAddresses.map((a) => peerTo(hubTunnels, a));
    const present = peers.filter((p) => p !== undefined);
    if (present.length === 2) {
      return plan({ existing: c, alreadyAttached: true, hubPeers: present.map((p) => p.name) });
    }
    if (present.length === 1) {
      throw new FlatnetError(
        'ROUTER_COMMAND',
        `${holderName} has a tunnel (peer ${present[0]!.name}) to ` +
          `only one of the two outside addresses of ${c.vpnConnectionId}`,
        'finish or remove that attachment by hand (show vpn ipsec sa; ' +
          `delete vpn ipsec site-to-site peer ${present[0]!.name}), ` +
          `then run /vpn attach-vpc ${id} --region ${region} again`,
      );
    }
    existing ??= c;
  }
  if (existing?.customerGatewayAsn !== undefined && existing.customerGatewayAsn !== hubAsn) {
    throw new FlatnetError(
      'CLOUD',
      `${existing.vpnConnectionId} already connects ${vgw.id} to the hub's address with ` +
        `customer gateway ASN ${existing.customerGatewayAsn}, but ${holderName} runs AS ` +
        `${hubAsn}: using it would change the hub's system-as and drop every BGP session`,
      `delete it (aws ec2 delete-vpn-connection --region ${region} --vpn-connection-id ` +
        `${existing.vpnConnectionId}) and run /vpn attach-vpc ${id} --region ${region} again`,
    );
  }
  return plan({ existing, alreadyAttached: false, hubPeers: [] });

  function plan(found: {
    existing: HubConnection | undefined;
    alreadyAttached: boolean;
    hubPeers: string[];
  }): AttachPlan {
    return {
      requestedId: id,
      region,
      vpcId,
      vpcName,
      vpcCidr: vpcCidrs[0] ?? null,
      vpcCidrs,
      vpcListed: known !== undefined,
      vgwId: vgw.id,
      vgwAsn: vgw.amazonSideAsn ?? null,
      hub: holderName!,
      hubInstanceId: eip.instanceId!,
      hubPublicIp: eip.publicIp,
      hubPrivateIp,
      hubAsn,
      existing: found.existing
        ? {
            vpnConnectionId: found.existing.vpnConnectionId,
            customerGatewayId: found.existing.customerGatewayId,
            staticRoutesOnly: found.existing.staticRoutesOnly,
          }
        : null,
      alreadyAttached: found.alreadyAttached,
      hubPeers: found.hubPeers,
    };
  }
}
