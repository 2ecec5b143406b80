/**
 * The oracle's firewall is as strict as Linux conntrack on an asymmetric path: a reply that
 * comes back through a router its request did not cross has no conntrack entry there, and that
 * router's rule set judges it as its conntrack sees it (src/sim/world/reach/conntrack.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TrafficPolicy } from '../../src/config/traffic-policy.js';
import { renderTrafficPolicy } from '../../src/policy/render-traffic-policy.js';
import type { TraceFlow } from '../../src/sim/world/reach/trace.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { endpoint, ip, reach, router, vpc, vti, type World } from '../support/reach-world.js';

/** VPC a (10.1/16) may open anything to VPC b (10.2/16); `extra` rules after it. */
function policy(extra: TrafficPolicy['rules'] = []): TrafficPolicy {
  const net = (n: number, role: string) => ({
    label: role,
    kind: 'vpc' as const,
    cidrs: [`10.${n}.0.0/16`],
    role,
    roleFrom: 'inventory' as const,
    path: `regions.x.vpcs.${n}`,
  });
  return {
    networks: [net(1, 'a'), net(2, 'b')],
    rules: [
      { number: 1, from: 'a', to: 'b', action: 'accept', protocol: 'all', ports: [] },
      ...extra,
    ],
    groups: {},
    peerBandwidth: {},
    roles: ['a', 'b'],
  };
}

const firewall = (p: TrafficPolicy, name: string) =>
  renderTrafficPolicy(p, {
    router: name,
    ethernet: [{ name: 'eth0' }],
    vti: [{ name: 'vti1' }],
    wireguard: [],
  }).map(renderConfigLine);

/**
 * A's requests to B go by r1 (VPC a's route table), B's replies come back by r3, a second router
 * in VPC a: r2 routes 10.1/16 into its tunnel to r3. Every router runs the policy.
 */
function asymmetric(p: TrafficPolicy, replyBy: 'r1' | 'r3' = 'r3'): World {
  const toR1 = vti(2, 'vti1', '169.254.1.2/30', 'a', '169.254.1.1', 65001);
  const toR3 = [
    "set interfaces vti vti2 address '169.254.3.2/30'",
    "set vpn ipsec site-to-site peer c vti bind 'vti2'",
    `set protocols static route 10.1.0.0/16 interface ${replyBy === 'r3' ? 'vti2' : 'vti1'}`,
  ];
  const r3: World['routers'][number] = {
    ...router(1, [
      "set interfaces vti vti1 address '169.254.3.1/30'",
      "set vpn ipsec site-to-site peer b vti bind 'vti1'",
      ...firewall(p, 'r3'),
    ]),
    id: 'i-r3',
    name: 'r3',
    publicIp: '198.51.100.3',
  };
  r3.legs = [{ ...r3.legs[0]!, address: ip('10.1.1.20') }];
  return {
    routers: [
      router(1, [
        ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
        ...firewall(p, 'r1'),
      ]),
      router(2, [...toR1, ...toR3]),
      r3,
    ],
    vpcs: [vpc(1, [{ to: '10.0.0.0/8', eni: 'r1' }]), vpc(2, [{ to: '10.0.0.0/8', eni: 'r2' }])],
    endpoints: [endpoint('A', 1), endpoint('B', 2)],
    sas: {
      'i-r1 b': { up: true, far: { kind: 'router', id: 'i-r2', peer: 'a' } },
      'i-r2 a': { up: true, far: { kind: 'router', id: 'i-r1', peer: 'b' } },
      'i-r2 c': { up: true, far: { kind: 'router', id: 'i-r3', peer: 'b' } },
      'i-r3 b': { up: true, far: { kind: 'router', id: 'i-r2', peer: 'c' } },
    },
  };
}

const UDP: TraceFlow = { protocol: 'udp', dstPort: 53, srcPort: 40000, state: 'new' };
const TCP: TraceFlow = { protocol: 'tcp', dstPort: 22, srcPort: 40000, state: 'new' };

describe('a reply through a router its request did not cross (Linux conntrack)', () => {
  it('comes back through the router that saw the request, for every protocol', () => {
    const w = asymmetric(policy(), 'r1');
    for (const flow of [undefined, UDP, TCP]) expect(reach(w, 'A', 'B', flow).reachable).toBe(true);
  });

  it('is dropped by the other router as invalid (ping, TCP) or new (UDP)', () => {
    const w = asymmetric(policy());
    const ping = reach(w, 'A', 'B');
    expect(ping).toMatchObject({ reachable: false, direction: 'return', brokenAt: 'r3' });
    expect(ping.path.join('\n')).toMatch(/r1/);
    expect(ping.reason).toContain('the default-action drop of FLATNET-POLICY');
    expect(ping.reason).toContain('a reply as invalid: its request did not pass r3');
    expect(reach(w, 'A', 'B', TCP).reason).toContain('a reply as invalid');
    expect(reach(w, 'A', 'B', UDP).reason).toContain('a reply as new');
  });

  it("is let through where that router's rules accept the packet as it sees it", () => {
    // b may open UDP toward a: the UDP reply, `new` on r3, is a connection b may open; an echo
    // reply is `invalid` there and matches no rule that names the ping's protocol alone.
    const udp = asymmetric(
      policy([{ number: 2, from: 'b', to: 'a', action: 'accept', protocol: 'udp', ports: [] }]),
    );
    expect(reach(udp, 'A', 'B', UDP).reachable).toBe(true);
    expect(reach(udp, 'A', 'B').reachable).toBe(false);
    expect(reach(udp, 'A', 'B', TCP).reachable).toBe(false);
  });
});
