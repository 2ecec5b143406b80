import { Ec2ApiError } from './ec2-error.js';
import type { Ec2Store } from './ec2-store.js';
import type { Tags } from './types.js';

/**
 * CreateTags: every id is checked before any tag is written, so a bad id tags nothing (as in AWS).
 */
export function createTags(
  state: Ec2Store,
  region: string,
  resourceIds: string[],
  tags: Tags,
): void {
  const targets = resourceIds.map((id) => taggable(state, region, id));
  for (const t of targets) Object.assign(t.tags, tags);
}

/** The resource kind is read from the id's prefix, the way AWS routes a CreateTags id. */
function taggable(state: Ec2Store, region: string, id: string): { tags: Tags } {
  const kinds: [string, Map<string, { region: string; tags: Tags }>, string][] = [
    ['i', state.instances, 'InvalidInstanceID.NotFound'],
    ['ami', state.images, 'InvalidAMIID.NotFound'],
    ['eipalloc', state.addresses, 'InvalidAllocationID.NotFound'],
    ['rtb', state.routeTables, 'InvalidRouteTableID.NotFound'],
    ['vpc', state.vpcs, 'InvalidVpcID.NotFound'],
    ['subnet', state.subnets, 'InvalidSubnetID.NotFound'],
    ['vgw', state.vpnGateways, 'InvalidVpnGatewayID.NotFound'],
    ['cgw', state.customerGateways, 'InvalidCustomerGatewayID.NotFound'],
    ['vpn', state.vpnConnections, 'InvalidVpnConnectionID.NotFound'],
  ];
  const prefix = id.split('-')[0];
  const kind = kinds.find(([p]) => p === prefix);
  if (!kind) throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
  return state.need(kind[1], region, id, kind[2], 'ID');
}
