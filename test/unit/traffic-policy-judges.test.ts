/**
 * The rendered policy judged three ways on the same packets: by the policy model itself
 * (`allows`), by the simulator's reading of the router's firewall (the oracle) and by
 * `/vpn reach`'s own reading — each interface pair a spoke forwards between, each flow, new and
 * established. They are written apart on purpose (the oracle must not share flatnet's code);
 * this holds them to one meaning.
 */
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { allows, readTrafficPolicy } from '../../src/config/traffic-policy.js';
import { renderTrafficPolicy } from '../../src/policy/render-traffic-policy.js';
import { readZoneFirewall, replyStateOn, zoneDrops } from '../../src/reach/zone-firewall.js';
import { untrackedReplyState } from '../../src/sim/world/reach/conntrack.js';
import {
  emptyFirewall,
  judgeForward,
  readFirewallLine,
} from '../../src/sim/world/reach/firewall.js';
import { addressOf } from '../../src/sim/world/reach/ipv4.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { withTraffic } from '../helpers/traffic-inventory.js';

const TRAFFIC = [
  'groups:',
  '  ops: [10.250.0.0/28]',
  'rules:',
  '  - { from: staging, to: production, action: drop }',
  '  - { from: developers, to: production, protocol: tcp, ports: [22, 8000-8080], fromGroup: ops }',
  '  - { from: developers, to: staging }',
  '  - { from: shared, to: production, protocol: tcp_udp, ports: [22] }',
  '  - { from: production, to: production, protocol: icmp }',
].join('\n');

/** The policy rendered for a spoke, read by the oracle and by `/vpn reach`, and its hosts. */
function spoke() {
  const policy = readTrafficPolicy(parseInventory(withTraffic(TRAFFIC), 'flatnet.yml', null))!;
  const lines = renderTrafficPolicy(policy, {
    router: 'spoke-virginia',
    ethernet: [{ name: 'eth0' }, { name: 'eth1' }],
    vti: [{ name: 'vti1' }],
    wireguard: [],
  });
  const sim = emptyFirewall();
  for (const l of lines) readFirewallLine(sim, renderConfigLine(l));
  const product = readZoneFirewall(lines)!;
  const hosts = {
    prod: '10.10.2.100',
    staging: '10.11.2.100',
    remoteProd: '10.20.2.100',
    hub: '10.0.2.100',
    ops: '10.250.0.2',
    dev: '10.250.0.100',
  };
  const legOf: Record<string, string> = {
    prod: 'eth0',
    staging: 'eth1',
    remoteProd: 'vti1',
    hub: 'vti1',
    ops: 'vti1',
    dev: 'vti1',
  };
  const flows = [
    { protocol: 'icmp' as const },
    { protocol: 'tcp' as const, port: 22 },
    { protocol: 'udp' as const, port: 22 },
    { protocol: 'tcp' as const, port: 8080 },
    { protocol: 'tcp' as const, port: 443 },
  ];
  return { policy, sim, product, hosts, legOf, flows };
}

/** Every ordered pair of hosts the spoke forwards between (not tunnel to tunnel). */
const crossings = (hosts: Record<string, string>, legOf: Record<string, string>) =>
  Object.entries(hosts).flatMap(([a, src]) =>
    Object.entries(hosts)
      .filter(([b]) => a !== b && !(legOf[a] === 'vti1' && legOf[b] === 'vti1'))
      .map(([b, dst]) => ({ a, b, src, dst })),
  );

describe('one meaning of the rendered policy', () => {
  it('policy model, oracle and /vpn reach agree on every flow a spoke forwards', () => {
    const { policy, sim, product, hosts, legOf, flows } = spoke();
    let compared = 0;
    let accepted = 0;
    for (const [a, src] of Object.entries(hosts))
      for (const [b, dst] of Object.entries(hosts)) {
        if (a === b || (legOf[a] === 'vti1' && legOf[b] === 'vti1')) continue;
        for (const f of flows) {
          const expected = allows(policy, { src, dst, protocol: f.protocol, port: f.port });
          const packet = { src: addressOf(src)!, dst: addressOf(dst)!, protocol: f.protocol };
          const oracle = judgeForward(sim, legOf[a], legOf[b], {
            ...packet,
            dstPort: f.port,
            srcPort: 40000,
            state: 'new',
          }).accept;
          const reach =
            zoneDrops(product, legOf[a], legOf[b], { src, dst, ...f, state: 'new' }) === undefined;
          const what = `${a} → ${b} ${f.protocol} ${f.port ?? ''}`;
          expect(oracle, `oracle ${what}`).toBe(expected);
          expect(reach, `reach ${what}`).toBe(expected);
          // Replies of any connection come back, whatever the rules say.
          expect(
            judgeForward(sim, legOf[b], legOf[a], { ...packet, state: 'established' }).accept,
          ).toBe(true);
          compared++;
          if (expected) accepted++;
        }
      }
    expect(compared).toBeGreaterThan(60);
    expect(accepted).toBeGreaterThan(5);
    expect(compared - accepted).toBeGreaterThan(20);
  });

  it('a reply on a router its request did not pass: one conntrack state, one verdict', () => {
    const { sim, product, hosts, legOf, flows } = spoke();
    let dropped = 0;
    let passed = 0;
    for (const { a, b, src, dst } of crossings(hosts, legOf))
      for (const f of flows) {
        // The reply b → a, on this spoke, which the request a → b went around.
        const oracleState = untrackedReplyState(f.protocol);
        const reachState = replyStateOn('spoke-virginia', new Set(['hub-tokyo-a']), f.protocol);
        expect(reachState, `${f.protocol} reply`).toBe(oracleState);
        const reply = { src: addressOf(dst)!, dst: addressOf(src)!, protocol: f.protocol };
        const oracle = judgeForward(sim, legOf[b], legOf[a], {
          ...reply,
          srcPort: f.port,
          dstPort: 40000,
          state: oracleState,
        }).accept;
        const probe = { src: dst, dst: src, protocol: f.protocol, state: reachState };
        const reach = zoneDrops(product, legOf[b], legOf[a], probe) === undefined;
        expect(reach, `${b} → ${a} ${f.protocol} reply`).toBe(oracle);
        if (oracle) passed++;
        else dropped++;
      }
    // Rule 1 (established, related) never takes them; a rule that names no state can.
    expect(dropped).toBeGreaterThan(20);
    expect(passed).toBeGreaterThan(0);
  });
});
