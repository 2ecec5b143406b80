/**
 * A VPC attached through a VGW that the inventory does not list, read from EC2 as `/vpn reach`
 * and `/vpn policy diff` read the world (read-reach-state.ts), and the model's word on it
 * (onboarded-vpcs.ts): the default role, else unassigned, never `outside`.
 */
import { describe, expect, it } from 'vitest';
import type { Vpc, VpnConnection, VpnGateway } from '../../src/aws/types.js';
import { readTrafficPolicy, ruleFor } from '../../src/config/traffic-policy.js';
import { CloudError } from '../../src/errors.js';
import { withOnboardedVpcs } from '../../src/policy/onboarded-vpcs.js';
import type { ReachCloud } from '../../src/reach/reach-ports.js';
import { readReachCloud } from '../../src/reach/read-reach-state.js';
import { withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const REGION = 'ap-northeast-1';
const UNLISTED = 'vpc-0feedfeedfeed0001';

function cloud(world: {
  vgws: VpnGateway[];
  connections: VpnConnection[];
  vpcs?: (ids: string[]) => Promise<Vpc[]>;
}): ReachCloud & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    findRouterInstances: async () => [],
    describeRouteTables: async () => [],
    describeVpnConnections: async (region) => (region === REGION ? world.connections : []),
    describeVpnGateways: async (region) => (region === REGION ? world.vgws : []),
    describeVpcs: async (_region, ids) => {
      asked.push(ids);
      return world.vpcs
        ? world.vpcs(ids)
        : ids.map((id) => ({ id, cidrs: ['10.90.0.0/16', '100.64.9.0/24'], tags: {} }));
    },
  };
}

const vgw = (vpcIds: string[], name?: string): VpnGateway => ({
  id: 'vgw-0feed',
  state: 'available',
  vpcIds,
  tags: name ? { Name: name } : {},
});
const connection: VpnConnection = {
  id: 'vpn-0feed',
  state: 'available',
  vpnGatewayId: 'vgw-0feed',
  customerGatewayId: 'cgw-1',
  staticRoutesOnly: false,
  tunnels: [],
  tags: {},
};

describe('an attached VPC the inventory does not list', () => {
  const inventory = theReferenceFleet().withTimeouts({ statusPerRouterMs: 500 }).build();

  it('is read from EC2 with every range and named by its gateway, else its id', async () => {
    const ec2 = cloud({ vgws: [vgw([UNLISTED], 'payments-vgw')], connections: [connection] });
    const read = await readReachCloud({ inventory, cloud: ec2 });
    expect(ec2.asked).toEqual([[UNLISTED]]);
    expect(read.vpcs.find((v) => v.id === UNLISTED)).toEqual({
      region: REGION,
      name: 'payments-vgw',
      id: UNLISTED,
      cidr: '10.90.0.0/16',
      cidrs: ['10.90.0.0/16', '100.64.9.0/24'],
      listed: false,
    });
    expect(read.errors).toEqual([]);
  });

  it('is not asked about without a VPN connection on its gateway (not attached)', async () => {
    const ec2 = cloud({ vgws: [vgw([UNLISTED])], connections: [] });
    const read = await readReachCloud({ inventory, cloud: ec2 });
    expect(ec2.asked).toEqual([]);
    expect(read.vpcs.some((v) => v.id === UNLISTED)).toBe(false);
  });

  it('is left out, with the region named, when EC2 does not answer DescribeVpcs', async () => {
    const ec2 = cloud({
      vgws: [vgw([UNLISTED])],
      connections: [connection],
      vpcs: () =>
        Promise.reject(new CloudError('UnauthorizedOperation', 'may not call ec2:DescribeVpcs')),
    });
    const read = await readReachCloud({ inventory, cloud: ec2 });
    expect(read.vpcs.some((v) => v.id === UNLISTED)).toBe(false);
    expect(read.errors).toEqual([`${REGION}: VPCs: may not call ec2:DescribeVpcs`]);
  });

  it('takes the default role in the model, else unassigned; never outside', async () => {
    const read = await readReachCloud({
      inventory,
      cloud: cloud({ vgws: [vgw([UNLISTED])], connections: [connection] }),
    });
    const inv = structuredClone(inventory);
    withWorldPolicy(inv, [{ from: 'shared', to: 'staging' }]);
    const closed = withOnboardedVpcs(readTrafficPolicy(inv)!, read.vpcs);
    const label = `${REGION}/${UNLISTED}`;
    expect(closed.networks.find((n) => n.label === label)).toMatchObject({
      kind: 'vpc',
      role: 'unassigned',
      roleFrom: 'default',
      cidrs: ['10.90.0.0/16', '100.64.9.0/24'],
    });
    const flow = { src: '10.0.1.10', dst: '100.64.9.5', protocol: 'icmp' as const };
    expect(ruleFor(readTrafficPolicy(inv)!, flow)).toBe('outside');
    expect(ruleFor(closed, flow)).toBeUndefined();
    inv.traffic!.defaultRole = 'staging';
    const open = withOnboardedVpcs(readTrafficPolicy(inv)!, read.vpcs);
    expect(open.networks.find((n) => n.label === label)?.role).toBe('staging');
    expect(ruleFor(open, flow)).toMatchObject({ from: 'shared', to: 'staging' });
    // A listed VPC read from the world is the inventory's, not an extra network.
    expect(
      withOnboardedVpcs(
        readTrafficPolicy(inv)!,
        read.vpcs.filter((v) => v.listed !== false),
      ),
    ).toEqual(readTrafficPolicy(inv));
  });
});
