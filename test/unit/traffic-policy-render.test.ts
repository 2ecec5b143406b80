import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { readTrafficPolicy, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { checkCommit } from '../../src/sim/vyos/check-commit.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { tokenizeCliLine } from '../../src/sim/vyos/parse-cli-words.js';
import { renderConfigLine, set, type ConfigLine } from '../../src/vyos/config-line.js';
import { diffTrafficPolicy } from '../../src/policy/diff-traffic-policy.js';
import {
  renderTrafficPolicy,
  type PolicyRouterFacts,
} from '../../src/policy/render-traffic-policy.js';
import { withTraffic } from '../helpers/traffic-inventory.js';

const TRAFFIC = [
  'sites:',
  '  office: { networks: [192.168.0.0/16], role: office }',
  'groups:',
  '  ops: [10.250.0.0/28]',
  'peers:',
  '  ops-carol: { bandwidth: 5mbit }',
  'rules:',
  '  - { from: developers, to: staging }',
  '  - { from: developers, to: production, protocol: tcp, ports: [22, 443], fromGroup: ops }',
  '  - { from: staging, to: production, action: drop }',
  '  - { from: shared, to: production, protocol: tcp, ports: [22] }',
].join('\n');

function policy(traffic = TRAFFIC): TrafficPolicy {
  const text = withTraffic(traffic)
    .replace(
      'cidr: 10.10.0.0/16, role: production }',
      'cidr: 10.10.0.0/16, role: production, bandwidth: 200mbit }',
    )
    .replace('      role: developers\n', '      role: developers\n      bandwidth: 100mbit\n');
  return readTrafficPolicy(parseInventory(text, 'flatnet.yml', null))!;
}

const HUB: PolicyRouterFacts = {
  router: 'hub-tokyo-a',
  ethernet: [{ name: 'eth0', network: 'ap-northeast-1/hub' }],
  vti: [{ name: 'vti1' }, { name: 'vti2' }, { name: 'vti10', network: 'site/office' }],
  wireguard: [
    {
      name: 'wg0',
      network: 'wireguard/hub-tokyo-a',
      peers: [
        { name: 'ops-carol', address: '10.250.0.2' },
        { name: 'ops-dave', address: '10.250.0.3' },
      ],
    },
  ],
};

const SPOKE: PolicyRouterFacts = {
  router: 'spoke-virginia',
  ethernet: [
    { name: 'eth0', network: 'us-east-1/production' },
    { name: 'eth1', network: 'us-east-1/staging' },
  ],
  vti: [{ name: 'vti1' }],
  wireguard: [],
};

const text = (lines: ConfigLine[]) => lines.map(renderConfigLine);

/** A router's configuration with its interfaces, as the emulator holds it. */
function routerWith(facts: PolicyRouterFacts): ConfigTree {
  const base = [
    ...facts.ethernet.map((i) => `set interfaces ethernet ${i.name} address dhcp`),
    ...facts.vti.map((i, k) => `set interfaces vti ${i.name} address 169.254.${k}.1/30`),
    ...facts.wireguard.map((w) => `set interfaces wireguard ${w.name} address 10.250.0.1/24`),
  ];
  return ConfigTree.fromSetLines(base);
}

/** Type the lines into a copy of `tree` as the shell would; the set failures, then the commit's. */
function commit(tree: ConfigTree, lines: string[]): { set: string[]; commit: string[] } {
  const working = tree.clone();
  const setErrors: string[] = [];
  for (const line of lines) {
    const [op, ...words] = tokenizeCliLine(line).map((t) => t.text);
    const r = op === 'delete' ? working.delete(words) : working.set(words);
    if (r.failed) setErrors.push(`${line}: ${r.lines.join(' / ')}`);
  }
  return { set: setErrors, commit: checkCommit(tree, working).map((f) => f.message) };
}

describe('the traffic policy rendered as VyOS 1.4 zone firewall and qos', () => {
  it('renders role groups, one stateful rule set, zones per interface class', () => {
    const lines = text(renderTrafficPolicy(policy(), HUB));
    expect(lines).toEqual(
      expect.arrayContaining([
        "set firewall group network-group FLATNET-ROLE-production network '10.10.0.0/16'",
        "set firewall group network-group FLATNET-ROLE-developers network '10.250.0.0/24'",
        "set firewall group network-group FLATNET-GROUP-ops network '10.250.0.0/28'",
        "set firewall ipv4 name FLATNET-POLICY default-action 'drop'",
        "set firewall ipv4 name FLATNET-POLICY rule 1 action 'accept'",
        "set firewall ipv4 name FLATNET-POLICY rule 1 state 'established'",
        "set firewall ipv4 name FLATNET-POLICY rule 1 state 'related'",
        'set firewall ipv4 name FLATNET-POLICY rule 20 source group network-group ' +
          "'FLATNET-GROUP-ops'",
        'set firewall ipv4 name FLATNET-POLICY rule 20 destination group network-group ' +
          "'FLATNET-ROLE-production'",
        "set firewall ipv4 name FLATNET-POLICY rule 20 protocol 'tcp'",
        "set firewall ipv4 name FLATNET-POLICY rule 20 destination port '22,443'",
        "set firewall ipv4 name FLATNET-POLICY rule 30 action 'drop'",
        "set firewall zone FLATNET-VPN interface 'vti10'",
        "set firewall zone FLATNET-VPN from FLATNET-WG firewall name 'FLATNET-POLICY'",
        "set firewall zone FLATNET-VPN intra-zone-filtering firewall name 'FLATNET-POLICY'",
        "set firewall zone FLATNET-WG default-action 'drop'",
      ]),
    );
    // Rule 1 (developers → staging, every protocol) matches no protocol nor port.
    expect(lines.filter((l) => / rule 10 (protocol|destination port)/.test(l))).toEqual([]);
    // No local zone: the router's own traffic (the bot's SSH, IKE, BGP) is never filtered.
    expect(lines.some((l) => l.includes('local-zone'))).toBe(false);
    // The role a rule narrows to a group is not rendered for nothing.
    expect(lines.some((l) => l.includes('FLATNET-ROLE-office'))).toBe(false);
  });

  it('shapes a network on the interface into it and a WireGuard peer by its address', () => {
    const hub = text(renderTrafficPolicy(policy(), HUB));
    expect(hub).toEqual(
      expect.arrayContaining([
        "set qos policy shaper FLATNET-wg0 bandwidth '100mbit'",
        "set qos policy shaper FLATNET-wg0 class 10 ceiling '5mbit'",
        'set qos policy shaper FLATNET-wg0 class 10 match ops-carol ip destination address ' +
          "'10.250.0.2/32'",
        "set qos interface wg0 egress 'FLATNET-wg0'",
      ]),
    );
    expect(hub.some((l) => l.includes('ops-dave'))).toBe(false);
    expect(hub.some((l) => l.includes('qos interface eth0'))).toBe(false);
    const spoke = text(renderTrafficPolicy(policy(), SPOKE));
    expect(spoke).toContain("set qos policy shaper FLATNET-eth0 bandwidth '200mbit'");
    expect(spoke).toContain("set qos interface eth0 egress 'FLATNET-eth0'");
    expect(spoke.some((l) => l.includes('qos interface eth1'))).toBe(false);
    // The spoke filters production ⇄ staging within its VPC zone.
    expect(spoke).toContain(
      "set firewall zone FLATNET-VPC intra-zone-filtering firewall name 'FLATNET-POLICY'",
    );
  });

  it('renders nothing without a traffic section', () => {
    expect(renderTrafficPolicy(undefined, HUB)).toEqual([]);
  });

  it('is accepted by the emulator as VyOS 1.4 accepts it: every set, then the commit', () => {
    for (const facts of [HUB, SPOKE]) {
      const result = commit(routerWith(facts), text(renderTrafficPolicy(policy(), facts)));
      expect(result).toEqual({ set: [], commit: [] });
    }
  });

  it('refuses malformed firewall values as VyOS does when they are set', () => {
    const r = commit(routerWith(HUB), [
      'set firewall ipv4 name P rule 0 action accept',
      'set firewall ipv4 name P rule 10 action allow',
      'set firewall ipv4 name P rule 10 state established enable',
      'set firewall ipv4 name P rule 10 destination port 70000',
      'set firewall ipv4 name P rule 10 protocol tcpp',
      'set firewall zone Z default-action accept',
      'set firewall zone Z interfaces eth0',
      'set firewall group network-group G network 10.0.0.1',
      'set qos policy shaper S bandwidth 10Mbps',
      'set qos policy shaper S class 1 bandwidth 1mbit',
      'set qos interface eth0 egress bad.name',
    ]).set;
    expect(r).toHaveLength(11);
    expect(r[0]).toContain('Firewall rule number must be between 1 and 999999');
    expect(r[1]).toContain('Value validation failed');
    expect(r[2]).toMatch(/is not valid|Value validation failed/);
    expect(r[3]).toContain('Error: 70000 is not a valid port');
    expect(r[5]).toContain('Value validation failed');
    expect(r[6]).toContain('[interfaces] is not valid');
    expect(r[8]).toContain('Value validation failed');
    expect(r[9]).toContain('Class number must be between 2-4095');
    expect(r[10]).toContain('Only alpha-numeric policy name allowed');
  });

  it('refuses at commit what vyos-1x firewall.py and qos.py verify() refuse', () => {
    const cases: [string[], string][] = [
      [['set firewall ipv4 name P rule 10 protocol tcp'], 'Rule action must be defined'],
      [
        [
          'set firewall ipv4 name P rule 10 action accept',
          'set firewall ipv4 name P rule 10 destination port 22',
        ],
        'Protocol must be defined if specifying a port or port-group',
      ],
      [
        [
          'set firewall ipv4 name P rule 10 action accept',
          'set firewall ipv4 name P rule 10 protocol icmp',
          'set firewall ipv4 name P rule 10 destination port 22',
        ],
        'Protocol must be tcp, udp, or tcp_udp when specifying a port or port-group',
      ],
      [
        [
          'set firewall ipv4 name P rule 10 action accept',
          'set firewall ipv4 name P rule 10 source group network-group NOPE',
        ],
        'Invalid network-group "NOPE" on firewall rule',
      ],
      [
        ['set firewall zone A default-action drop'],
        'Zone "A" has no interfaces and is not the local zone',
      ],
      [
        ['set firewall zone A interface eth0', 'set firewall zone B interface eth0'],
        'Interfaces cannot be assigned to multiple zones',
      ],
      [
        ['set firewall zone A interface eth0', 'set firewall zone A from B firewall name P'],
        'Zone "A" refers to a non-existent or deleted zone "B"',
      ],
      [
        [
          'set firewall zone A interface eth0',
          'set firewall zone B interface vti1',
          'set firewall zone A from B firewall name MISSING',
        ],
        'Firewall name "MISSING" does not exist',
      ],
      [
        ['set firewall zone L local-zone', 'set firewall zone L interface eth0'],
        'Local zone cannot have interfaces assigned',
      ],
      [
        [
          'set qos policy shaper S bandwidth 10mbit',
          'set qos policy shaper S default ceiling 100%',
        ],
        'Bandwidth not defined for default traffic!',
      ],
      [['set qos interface eth0 egress NOPE'], 'Selected QoS policy "NOPE" does not exist!'],
      [
        ['set qos policy shaper S bandwidth 10mbit', 'set qos interface eth0 ingress S'],
        `Selected QoS policy on interface "eth0" only supports "['egress']"!`,
      ],
    ];
    for (const [lines, message] of cases) {
      const r = commit(routerWith(HUB), lines);
      expect(r.set, lines.join('; ')).toEqual([]);
      expect(r.commit, lines.join('; ')).toEqual([message]);
    }
  });

  it('changes only what differs, only in what flatnet owns', () => {
    const want = renderTrafficPolicy(policy(), HUB);
    const operatorOwn = [
      set(['firewall', 'ipv4', 'name', 'MINE', 'default-action'], 'accept'),
      set(['qos', 'interface', 'eth1', 'egress'], 'MINE'),
    ];
    expect(diffTrafficPolicy(operatorOwn, want)).toEqual(want);
    expect(diffTrafficPolicy([...operatorOwn, ...want], want)).toEqual([]);
    // A rule gone, a zone losing an interface, a peer limit gone: deleted, nothing else.
    const fewer = renderTrafficPolicy(
      policy(TRAFFIC.replace(/ {2}- \{ from: shared.*\n?/, '').replace(/peers:\n.*\n/, '')),
      { ...HUB, vti: HUB.vti.slice(0, 2) },
    );
    const diff = text(diffTrafficPolicy(want, fewer));
    expect(diff).toEqual(
      expect.arrayContaining([
        'delete firewall ipv4 name FLATNET-POLICY rule 40',
        "delete firewall zone FLATNET-VPN interface 'vti10'",
        'delete qos policy shaper FLATNET-wg0 class',
        'delete firewall group network-group FLATNET-ROLE-shared',
      ]),
    );
    expect(diff.every((l) => l.startsWith('delete'))).toBe(true);
    // The policy removed from the inventory: every FLATNET unit goes, the operator's stay.
    const removed = text(diffTrafficPolicy([...operatorOwn, ...want], []));
    expect(removed).toContain('delete firewall zone FLATNET-WG');
    expect(removed).toContain('delete qos interface wg0 egress');
    expect(removed.some((l) => l.includes('MINE') || l.includes('eth1'))).toBe(false);
    expect(diff).toHaveLength(4);
    // Typed into the emulator after the first policy, the diff leaves exactly the second.
    const first = routerWith(HUB);
    for (const l of text(want))
      first.set(
        tokenizeCliLine(l)
          .map((t) => t.text)
          .slice(1),
      );
    const second = commit(first, diff);
    expect(second).toEqual({ set: [], commit: [] });
    const after = first.clone();
    for (const l of diff)
      after.delete(
        tokenizeCliLine(l)
          .map((t) => t.text)
          .slice(1),
      );
    const expected = routerWith(HUB);
    for (const l of text(fewer))
      expected.set(
        tokenizeCliLine(l)
          .map((t) => t.text)
          .slice(1),
      );
    expect(after.toSetLines().filter((l) => !l.includes('interfaces'))).toEqual(
      expected.toSetLines().filter((l) => !l.includes('interfaces')),
    );
  });
});
