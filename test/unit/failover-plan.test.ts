import { describe, expect, it } from 'vitest';
import {
  compareSiteTunnels,
  describeTunnelGaps,
  missingWireguardPeers,
} from '../../src/failover/compare-site-tunnels.js';
import {
  describeFailoverPlan,
  summarizeFailoverRun,
} from '../../src/failover/describe-failover.js';
import type { FailoverFacts } from '../../src/failover/failover-steps.js';
import { failoverPlanner } from '../../src/failover/failover-planner.js';
import { readSiteTunnels } from '../../src/vyos/read-site-tunnels.js';
import type { FlatnetError } from '../../src/errors.js';
import { parseCommand } from '../../src/grammar/parse-command.js';
import type { Run } from '../../src/runbook/types.js';
import type { ConfigLine } from '../../src/vyos/types.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();

/** `set a b 'c'` → a ConfigLine, the way `show configuration commands` reads. */
const config = (text: string): ConfigLine[] =>
  text
    .trim()
    .split('\n')
    .map((l) => {
      const words = l.trim().split(/\s+/);
      const last = words.at(-1)!;
      const quoted = last.startsWith("'");
      return {
        op: 'set' as const,
        path: words.slice(1, quoted ? -1 : undefined),
        ...(quoted ? { value: last.slice(1, -1) } : {}),
      };
    });

const primaryConfig = config(`
set vpn ipsec site-to-site peer spoke-oregon local-address '10.0.1.10'
set vpn ipsec site-to-site peer spoke-oregon remote-address '198.51.100.8'
set vpn ipsec site-to-site peer spoke-oregon vti bind 'vti2'
set vpn ipsec site-to-site peer office local-address '10.0.1.10'
set vpn ipsec site-to-site peer office remote-address '192.0.2.50'
set vpn ipsec site-to-site peer office tunnel 1 local prefix '10.0.0.0/8'
set vpn ipsec site-to-site peer office tunnel 0 local prefix '10.0.0.0/8'
set vpn ipsec site-to-site peer old-site remote-address '192.0.2.99'
set vpn ipsec site-to-site peer old-site disable
set protocols bgp neighbor 169.254.2.2 remote-as '65002'
set protocols bgp neighbor 169.254.9.9 remote-as '65009'
set protocols bgp neighbor 169.254.9.9 shutdown
`);

describe('readSiteTunnels', () => {
  it(
    "names each peer's child SAs as show vpn " + 'ipsec sa does, and skips shut-down neighbours',
    () => {
      const t = readSiteTunnels(primaryConfig);
      expect(t.peers.map((p) => [p.name, p.children, p.disabled])).toEqual([
        ['spoke-oregon', ['spoke-oregon-vti'], false],
        ['office', ['office-tunnel-0', 'office-tunnel-1'], false],
        ['old-site', [], true],
      ]);
      expect(t.peers[0]).toMatchObject({
        localAddress: '10.0.1.10',
        remoteAddress: '198.51.100.8',
      });
      expect(t.bgpNeighbors).toEqual(['169.254.2.2']);
      expect(t.wireguardPeers).toEqual([]);
    },
  );

  it('lists WireGuard peers, and finds those a standby lacks by public key', () => {
    const wg = config(`
set interfaces wireguard wg0 peer dev-alice public-key 'AAAA'
set interfaces wireguard wg0 peer dev-alice allowed-ips '10.250.0.5/32'
set interfaces wireguard wg0 peer ops-carol public-key 'CCCC'
`);
    const giver = readSiteTunnels(wg);
    expect(giver.wireguardPeers).toEqual([
      { name: 'dev-alice', publicKey: 'AAAA' },
      { name: 'ops-carol', publicKey: 'CCCC' },
    ]);
    const receiver = readSiteTunnels(wg.filter((l) => l.path[4] !== 'dev-alice'));
    expect(missingWireguardPeers(giver, receiver)).toEqual(['dev-alice']);
    expect(missingWireguardPeers(giver, giver)).toEqual([]);
  });

  it('reads the 1.3 BGP spelling (protocols bgp <asn> neighbor X)', () => {
    expect(
      readSiteTunnels(config("set protocols bgp 65000 neighbor 169.254.1.2 remote-as '65001'"))
        .bgpNeighbors,
    ).toEqual(['169.254.1.2']);
  });
});

describe('compareSiteTunnels', () => {
  const standbyOf = (primary: ConfigLine[]) =>
    primary.map((l) => (l.value === '10.0.1.10' ? { ...l, value: '10.0.1.11' } : l));

  it('finds nothing missing on a standby that mirrors the primary with its own address', () => {
    const gaps = compareSiteTunnels(
      readSiteTunnels(primaryConfig),
      readSiteTunnels(standbyOf(primaryConfig)),
      '10.0.1.11',
    );
    expect(gaps).toEqual({ missingPeers: [], missingBgp: [], otherRemote: [], foreignLocal: [] });
    expect(describeTunnelGaps(gaps, 'hub-tokyo-a', 'hub-tokyo-b', '10.0.1.11')).toBeUndefined();
  });

  it(
    'names missing peers and neighbours, a peer ' +
      'pointing elsewhere, and a copied local-address',
    () => {
      const standby = standbyOf(primaryConfig)
        .filter((l) => l.path[4] !== 'office' && l.path[3] !== '169.254.2.2')
        .map((l) =>
          l.path[5] === 'remote-address' && l.path[4] === 'spoke-oregon'
            ? { ...l, value: '198.51.100.99' }
            : l,
        );
      standby.push({
        op: 'set',
        path: ['vpn', 'ipsec', 'site-to-site', 'peer', 'lab', 'local-address'],
        value: '10.0.1.10',
      });
      const gaps = compareSiteTunnels(
        readSiteTunnels(primaryConfig),
        readSiteTunnels(standby),
        '10.0.1.11',
      );
      // A disabled peer on the primary is not required on the standby.
      expect(gaps.missingPeers).toEqual(['office']);
      expect(gaps.missingBgp).toEqual(['169.254.2.2']);
      expect(gaps.otherRemote).toEqual([
        { peer: 'spoke-oregon', giver: '198.51.100.8', receiver: '198.51.100.99' },
      ]);
      expect(gaps.foreignLocal).toEqual([{ peer: 'lab', localAddress: '10.0.1.10' }]);
      const text = describeTunnelGaps(gaps, 'hub-tokyo-a', 'hub-tokyo-b', '10.0.1.11')!;
      expect(text).toContain('hub-tokyo-b lacks the site-to-site peer office that hub-tokyo-a has');
      expect(text).toContain('lacks the BGP neighbour 169.254.2.2');
      expect(text).toContain(
        'peer spoke-oregon points at 198.51.100.99 on ' +
          'hub-tokyo-b but at 198.51.100.8 on hub-tokyo-a',
      );
      expect(text).toContain(
        "hub-tokyo-b's peer lab (local-address 10.0.1.10) " +
          'is not bound to its own address 10.0.1.11',
      );
    },
  );
});

describe('failoverPlanner', () => {
  const plan = (text: string, requester = 'U0ALICE') => {
    const parsed = parseCommand('/router', text);
    if (!parsed.ok) throw new Error(parsed.message);
    return failoverPlanner(parsed.command.kind === 'failback' ? 'failback' : 'failover').plan(
      parsed.command,
      { inventory, requester },
    );
  };

  it(
    'targets the primary, carries --dry-run, and takes ' +
      'the approval from policies.failover (15 minutes)',
    async () => {
      const run = await plan('failover hub-tokyo-a --dry-run');
      expect(run).toMatchObject({
        kind: 'failover',
        target: 'hub-tokyo-a',
        dryRun: true,
        params: {},
      });
      expect(run.approval?.expiresInMs).toBe(15 * 60_000);
      expect(run.approval?.approversLabel).toBe('network-approvers');
      expect((await plan('failback hub-tokyo-a')).approval?.expiresInMs).toBe(30 * 60_000);
    },
  );

  it(
    'refuses a standby (naming the primary), a ' + 'router without a standby, an unknown router',
    async () => {
      await expect(Promise.resolve().then(() => plan('failover hub-tokyo-b'))).rejects.toThrow(
        /hub-tokyo-b is a standby router/,
      );
      const standby = await Promise.resolve()
        .then(() => plan('failback hub-tokyo-b'))
        .catch((err: unknown) => err);
      expect((standby as FlatnetError).hint).toBe('use /router failback hub-tokyo-a');
      const spoke = await Promise.resolve()
        .then(() => plan('failover spoke-virginia'))
        .catch((err: unknown) => err);
      expect((spoke as FlatnetError).message).toBe(
        'spoke-virginia has no standby router, so there is nothing to fail over to',
      );
      expect((spoke as FlatnetError).hint).toContain('add routers.spoke-virginia.standby:');
      const unknown = await Promise.resolve()
        .then(() => plan('failover hub-osaka'))
        .catch((err: unknown) => err);
      expect((unknown as FlatnetError).code).toBe('UNKNOWN_TARGET');
    },
  );
});

const facts: FailoverFacts = {
  direction: 'failover',
  primary: 'hub-tokyo-a',
  standby: 'hub-tokyo-b',
  region: 'ap-northeast-1',
  from: {
    router: 'hub-tokyo-a',
    instanceId: 'i-0aaa',
    networkInterfaceId: 'eni-0a',
    privateIp: '10.0.1.10',
    type: 'c5.large',
    state: 'running',
    readable: true,
    problem: null,
    sasUp: 8,
    bgpEstablished: 7,
  },
  to: {
    router: 'hub-tokyo-b',
    instanceId: 'i-0bbb',
    networkInterfaceId: 'eni-0b',
    privateIp: '10.0.1.11',
    type: 'c5.large',
    state: 'running',
    peers: 8,
    bgpNeighbors: 7,
  },
  elasticIp: {
    allocationId: 'eipalloc-0abc',
    publicIp: '203.0.113.10',
    holderInstanceId: 'i-0aaa',
    holderInterfaceId: 'eni-0a',
  },
  routes: [
    { routeTableId: 'rtb-1', destination: '10.10.0.0/16' },
    { routeTableId: 'rtb-1', destination: '192.168.0.0/16' },
  ],
  expectedSas: ['spoke-oregon-vti', 'office-tunnel-0'],
  expectedBgp: ['169.254.2.2'],
  expectedBasis: 'up-on-from',
  wireguardMissing: [],
  compared: { peers: 8, bgpNeighbors: 7 },
};

describe('describeFailoverPlan and the summary', () => {
  it(
    'shows both routers, the Elastic IP and routes moving, ' +
      'the order, and that the primary is not stopped',
    () => {
      const lines = describeFailoverPlan(facts, false);
      expect(lines[0]).toBe(
        'Fail over hub-tokyo-a (i-0aaa) to its standby ' +
          'hub-tokyo-b (i-0bbb, c5.large), ap-northeast-1',
      );
      const text = lines.join('\n');
      expect(text).toContain(
        'Elastic IP: 203.0.113.10 (eipalloc-0abc) on eni-0a (i-0aaa) → eni-0b',
      );
      expect(text).toContain(
        'Routes to eni-0a: 2 in 1 table: rtb-1 (10.10.0.0/16, 192.168.0.0/16) → eni-0b',
      );
      expect(text).toContain(
        'hub-tokyo-b must bring up 2 SAs and 1 BGP session ' +
          'before the routes move (what was up on hub-tokyo-a)',
      );
      expect(text).toContain('flatnet does not stop hub-tokyo-a.');
      expect(text).not.toContain('Dry run');
      expect(text).not.toContain('WireGuard');
      expect(
        describeFailoverPlan({ ...facts, wireguardMissing: ['dev-alice'] }, false).join('\n'),
      ).toContain(
        'Warning: hub-tokyo-b lacks 1 WireGuard peer of hub-tokyo-a ' +
          '(dev-alice): they lose the VPN until traffic returns to hub-tokyo-a',
      );
      expect(describeFailoverPlan(facts, true).at(-1)).toMatch(
        /^Dry run: AssociateAddress and ReplaceRoute are made with DryRun/,
      );
    },
  );

  it('says when the primary could not be read', () => {
    const text = describeFailoverPlan(
      {
        ...facts,
        from: { ...facts.from, readable: false, problem: 'connect ECONNREFUSED' },
        compared: null,
        expectedBasis: 'all-configured',
      },
      false,
    ).join('\n');
    expect(text).toContain(
      'hub-tokyo-a (running) could not be read (connect ECONNREFUSED): its ' +
        'peers were not compared, so hub-tokyo-b must bring up every tunnel it has',
    );
  });

  it('the summary names who holds the Elastic IP and the routes now, and how to go back', () => {
    const run = {
      kind: 'failover',
      target: 'hub-tokyo-a',
      dryRun: false,
      steps: [
        { id: 'check-standby', title: '', status: 'done', result: facts },
        {
          id: 'repoint-routes',
          title: '',
          status: 'done',
          result: { repointed: facts.routes, missing: [] },
        },
      ],
    } as unknown as Run;
    expect(summarizeFailoverRun(run)).toBe(
      'Failed over hub-tokyo-a to hub-tokyo-b. hub-tokyo-b (i-0bbb, eni-0b) now ' +
        'holds 203.0.113.10 and 2 routes in 1 table, with 2 SAs and 1 BGP session ' +
        'up. hub-tokyo-a (i-0aaa) was left running (flatnet does not stop it): it ' +
        'holds nothing now. To go back: /router failback hub-tokyo-a.',
    );
  });
});
