import { describe, expect, it } from 'vitest';
import type { RouteTable } from '../../src/aws/types.js';
import { planHubVpcRoutes } from '../../src/onboarding/hub-vpc-routes.js';
import { reissueAdvice } from '../../src/onboarding/route-hub-vpc.js';
import { outsideIssuedAggregates } from '../../src/config/flat-network.js';
import {
  neighborsLackingAsOverride,
  asOverrideRemovalLines,
} from '../../src/attach-vpc/as-override.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const HUB = { networkInterfaceId: 'eni-hub', instanceId: 'i-hub' };

function table(id: string, routes: [string, string][]): RouteTable {
  return {
    id,
    vpcId: 'vpc-hub',
    subnetIds: [],
    main: true,
    propagatingVgws: [],
    tags: {},
    routes: routes.map(([destination, target]) => ({
      destination,
      state: 'active' as const,
      ...(target.startsWith('eni-')
        ? { networkInterfaceId: target }
        : target.startsWith('i-')
          ? { instanceId: target }
          : { gatewayId: target }),
    })),
  };
}

describe('which hub VPC routes a run must add (longest prefix match)', () => {
  const rtb = table('rtb-1', [
    ['10.0.0.0/16', 'local'],
    ['0.0.0.0/0', 'igw-1'],
    ['10.10.0.0/16', 'eni-hub'],
    ['192.168.0.0/16', 'i-hub'],
    ['10.200.0.0/16', 'eni-hub'],
    ['10.201.0.0/24', 'pcx-1'],
  ]);

  it(
    'adds what only the default route covers, and ' + 'nothing a route to the hub already covers',
    () => {
      const plan = planHubVpcRoutes([rtb], ['10.250.0.0/24', '10.10.0.0/16', '10.200.5.0/24'], HUB);
      expect(plan.missing).toEqual([{ routeTableId: 'rtb-1', destination: '10.250.0.0/24' }]);
      // 10.200.5.0/24 lies inside 10.200.0.0/16 → the hub: a covering route counts.
      expect(plan.routed.map((r) => r.destination)).toEqual(['10.10.0.0/16', '10.200.5.0/24']);
    },
  );

  it(
    'counts a route to the hub instance, skips the ' +
      'VPC itself, and leaves a route of someone else',
    () => {
      const plan = planHubVpcRoutes([rtb], ['192.168.0.0/16', '10.0.2.0/24', '10.201.0.0/24'], HUB);
      expect(plan.routed.map((r) => r.destination)).toEqual(['192.168.0.0/16']);
      expect(plan.missing).toEqual([]);
      expect(plan.conflicts).toEqual(['rtb-1 sends 10.201.0.0/24 to pcx-1']);
    },
  );

  it(
    'a more specific route elsewhere beats a covering ' +
      'one to the hub: the destination is added',
    () => {
      const t = table('rtb-2', [
        ['10.0.0.0/8', 'eni-hub'],
        ['10.250.0.0/16', 'eni-other'],
      ]);
      expect(planHubVpcRoutes([t], ['10.250.0.0/24'], HUB).missing).toEqual([
        { routeTableId: 'rtb-2', destination: '10.250.0.0/24' },
      ]);
      expect(planHubVpcRoutes([t], ['10.250.0.0/24'], HUB).routed).toEqual([]);
      // Every table of the VPC is looked at.
      expect(planHubVpcRoutes([rtb, t], ['10.250.0.0/24'], HUB).missing).toHaveLength(2);
    },
  );
});

describe('as-override on the neighbours of the VGW AS', () => {
  const lines = [
    'set protocols bgp neighbor 169.254.200.1 address-family ipv4-unicast',
    "set protocols bgp neighbor 169.254.200.1 remote-as '64512'",
    'set protocols bgp neighbor 169.254.200.5 address-family ipv4-unicast as-override',
    "set protocols bgp neighbor 169.254.200.5 remote-as '64512'",
    'set protocols bgp neighbor 169.254.1.2 address-family ipv4-unicast',
    "set protocols bgp neighbor 169.254.1.2 remote-as '65001'",
    "set protocols bgp neighbor 169.254.9.1 remote-as '64512'",
  ];
  const config = parseConfigCommands(lines.join('\n'));

  it('names only same-AS IPv4 neighbours without it', () => {
    expect(neighborsLackingAsOverride(config, 64512)).toEqual(['169.254.200.1']);
    expect(neighborsLackingAsOverride(config, undefined)).toEqual([]);
  });

  it('its removal keeps the address family (VyOS drops a parent left empty)', () => {
    expect(
      asOverrideRemovalLines(['169.254.200.1']).map((l) => `${l.op} ${l.path.join(' ')}`),
    ).toEqual([
      'delete protocols bgp neighbor 169.254.200.1 address-family ipv4-unicast as-override',
      'set protocols bgp neighbor 169.254.200.1 address-family ipv4-unicast',
    ]);
  });
});

describe('which new destinations the WireGuard files issued before do not cover', () => {
  const declared = theReferenceFleet().build();
  const byDefault = theReferenceFleet().withoutNetworkPlan().build();

  it('with declared aggregates: what lies outside them', () => {
    expect(outsideIssuedAggregates(declared, ['10.200.1.0/24', '172.30.0.0/16'])).toEqual([
      '172.30.0.0/16',
    ]);
  });

  it(
    'by default (every assigned prefix): a site ' +
      'subnet is outside, a VPC of the inventory is not',
    () => {
      expect(byDefault.network).toBeUndefined();
      expect(outsideIssuedAggregates(byDefault, ['10.10.0.0/16', '10.200.1.0/24'])).toEqual([
        '10.200.1.0/24',
      ]);
    },
  );

  it(
    'names each peer with its command, and says ' + 'nothing without peers or outside destinations',
    () => {
      const result = { region: 'r', created: [], routed: 0, conflicts: [] };
      expect(
        reissueAdvice(
          { ...result, reissue: { outside: ['172.30.0.0/16'], peers: ['a', 'b'] } },
          'hub',
        ),
      ).toContain(
        '(a, b) do not route it. Cover it in network.aggregates (inventory) ' +
          'if not yet, then re-issue: /vpn reissue-peer a, /vpn reissue-peer b.',
      );
      expect(
        reissueAdvice({ ...result, reissue: { outside: ['172.30.0.0/16'], peers: [] } }, 'hub'),
      ).toBe('');
      expect(reissueAdvice(result, 'hub')).toBe('');
    },
  );
});
