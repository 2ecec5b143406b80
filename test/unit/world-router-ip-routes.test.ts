/**
 * The emulator keeps each router's routes per forwarding state (the world builds a new one on
 * every change): what it keeps must never show an old table, and never an old age.
 */
import { describe, expect, it } from 'vitest';
import { addressOf, parsePrefix } from '../../src/sim/world/reach/ipv4.js';
import type { Network, SaState } from '../../src/sim/world/reach/network.js';
import { buildForwarding } from '../../src/sim/world/reach/oracle.js';
import { readRouterConfig } from '../../src/sim/world/reach/router-config.js';
import { routerIpRoutes } from '../../src/sim/world/router-ip-routes.js';
import { showIpRoute } from '../../src/sim/vyos/show-ip-route.js';

/** One router: its VPC leg, a VTI to peer `b`, a blackhole anchor for BGP. */
function network(sa: SaState): Network {
  return {
    routers: [
      {
        id: 'i-r1',
        name: 'r1',
        kind: 'instance',
        up: true,
        sourceDestCheck: false,
        legs: [
          {
            iface: 'eth0',
            address: addressOf('10.1.1.10')!,
            prefix: parsePrefix('10.1.1.0/24')!,
            gateway: addressOf('10.1.1.1')!,
          },
        ],
        config: readRouterConfig([
          "set interfaces ethernet eth0 address 'dhcp'",
          "set interfaces vti vti1 address '169.254.1.1/30'",
          "set vpn ipsec site-to-site peer b vti bind 'vti1'",
          'set protocols static route 10.9.0.0/16 blackhole',
        ]),
      },
    ],
    vpcs: [],
    vgws: [],
    wireguardClients: [],
    endpoints: [],
    sa: () => sa,
  };
}

const up: SaState = { up: true, far: { kind: 'router', id: 'i-r2', peer: 'a' } };
const ages = (router: number, tunnel: number) => ({ router: () => router, tunnel: () => tunnel });

describe("a world router's show ip route, kept per forwarding state", () => {
  it('reads the ages at every call: the router’s, and the SA’s for a route over its VTI', () => {
    const f = buildForwarding(network(up));
    const first = routerIpRoutes(f, 'i-r1', ages(100, 40));
    const later = routerIpRoutes(f, 'i-r1', ages(3700, 3640));
    const age = (routes: typeof first, prefix: string) =>
      routes.find((r) => r.prefix === prefix)?.ageSeconds;
    expect([age(first, '10.1.1.0/24'), age(first, '169.254.1.0/30')]).toEqual([100, 40]);
    expect([age(later, '10.1.1.0/24'), age(later, '169.254.1.0/30')]).toEqual([3700, 3640]);
    expect(showIpRoute(later).join('\n')).toContain(
      'C>* 169.254.1.0/30 is directly connected, vti1, 01:00:40',
    );
  });

  it('shows the table of the forwarding state it is given: a new state after a change', () => {
    const before = buildForwarding(network(up));
    const vti = (f: typeof before) =>
      routerIpRoutes(f, 'i-r1', ages(100, 40)).some((r) => r.prefix === '169.254.1.0/30');
    expect(vti(before)).toBe(true);
    const after = buildForwarding(network({ up: false, reason: 'peer b is down' }));
    expect(vti(after)).toBe(false);
    // The state before the change still answers as it did (it is what it was judged on).
    expect(vti(before)).toBe(true);
  });
});
