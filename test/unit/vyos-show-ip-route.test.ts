import { describe, expect, it } from 'vitest';
import type { IpRouteState } from '../../src/sim/vyos/live-state.js';
import { routeLine, showIpRoute } from '../../src/sim/vyos/show-ip-route.js';
import { parseIpRoute } from '../../src/vyos/parse-ip-route.js';

const route = (r: Partial<IpRouteState> & Pick<IpRouteState, 'prefix'>): IpRouteState => ({
  protocol: 'static',
  distance: 1,
  metric: 0,
  selected: true,
  ageSeconds: 62,
  ...r,
});

describe('show ip route (FRR 9.1 under VyOS 1.4)', () => {
  it('prints each kind of route as zebra does', () => {
    expect(
      routeLine(
        route({
          prefix: '10.10.0.0/16',
          protocol: 'bgp',
          distance: 20,
          nextHop: '169.254.1.2',
          iface: 'vti1',
        }),
      ),
    ).toBe('B>* 10.10.0.0/16 [20/0] via 169.254.1.2, vti1, weight 1, 00:01:02');
    expect(
      routeLine(
        route({ prefix: '10.0.1.0/24', protocol: 'connected', distance: 0, iface: 'eth0' }),
      ),
    ).toBe('C>* 10.0.1.0/24 is directly connected, eth0, 00:01:02');
    expect(
      routeLine(
        route({
          prefix: '0.0.0.0/0',
          distance: 210,
          nextHop: '10.0.1.1',
          iface: 'eth0',
          ageSeconds: 3 * 86400,
        }),
      ),
    ).toBe('S>* 0.0.0.0/0 [210/0] via 10.0.1.1, eth0, weight 1, 3d00h00m');
    expect(routeLine(route({ prefix: '10.250.0.0/24', blackhole: true }))).toBe(
      'S>* 10.250.0.0/24 [1/0] unreachable (blackhole), weight 1, 00:01:02',
    );
    expect(
      routeLine(
        route({
          prefix: '0.0.0.0/0',
          distance: 210,
          selected: false,
          nextHop: '10.11.1.1',
          iface: 'eth1',
        }),
      ),
    ).toBe('S   0.0.0.0/0 [210/0] via 10.11.1.1, eth1, weight 1, 00:01:02');
  });

  it('starts with the codes header and lists routes in prefix order', () => {
    const lines = showIpRoute([
      route({
        prefix: '10.20.0.0/16',
        protocol: 'bgp',
        distance: 20,
        nextHop: '169.254.2.2',
        iface: 'vti2',
      }),
      route({ prefix: '10.0.1.0/24', protocol: 'connected', iface: 'eth0' }),
      route({ prefix: '10.0.0.0/16', nextHop: '10.0.1.1', iface: 'eth0' }),
    ]);
    expect(lines[0]).toBe('Codes: K - kernel route, C - connected, S - static, R - RIP,');
    expect(lines[4]).toContain('> - selected route, * - FIB route');
    expect(lines.slice(7).map((l) => l.split(' ')[1])).toEqual([
      '10.0.0.0/16',
      '10.0.1.0/24',
      '10.20.0.0/16',
    ]);
  });
});

describe('parseIpRoute', () => {
  it('keeps what the kernel forwards by: selected FIB routes, with their first nexthop', () => {
    const out = [
      'Codes: K - kernel route, C - connected, S - static, R - RIP,',
      '       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,',
      '       > - selected route, * - FIB route, q - queued, r - rejected, b - backup',
      '',
      'S>* 0.0.0.0/0 [210/0] via 10.0.2.2, eth0, weight 1, 00:51:58',
      'S   0.0.0.0/0 [210/0] via 10.0.3.1, eth1, weight 1, 00:51:58',
      'C>* 10.0.2.0/24 is directly connected, eth0, 00:51:59',
      'B>* 10.99.0.0/16 [20/100] via 169.254.61.113, vti1, weight 1, 00:51:03',
      '  *                       via 169.254.234.49, vti0, weight 1, 00:51:03',
      'S>* 10.250.9.0/24 [1/0] unreachable (blackhole), weight 1, 00:00:05',
      'K>* 10.1.0.0/16 [0/0] via 10.0.2.9, eth0, 01:25:41',
      'B   10.77.0.0/16 [20/0] via 169.254.9.9 inactive, 00:01:51',
      '',
    ].join('\n');
    expect(parseIpRoute(out)).toEqual([
      {
        prefix: '0.0.0.0/0',
        protocol: 'static',
        distance: 210,
        metric: 0,
        nextHop: '10.0.2.2',
        iface: 'eth0',
      },
      { prefix: '10.0.2.0/24', protocol: 'connected', distance: 0, metric: 0, iface: 'eth0' },
      {
        prefix: '10.99.0.0/16',
        protocol: 'bgp',
        distance: 20,
        metric: 100,
        nextHop: '169.254.61.113',
        iface: 'vti1',
      },
      { prefix: '10.250.9.0/24', protocol: 'static', distance: 1, metric: 0, blackhole: true },
      {
        prefix: '10.1.0.0/16',
        protocol: 'kernel',
        distance: 0,
        metric: 0,
        nextHop: '10.0.2.9',
        iface: 'eth0',
      },
    ]);
  });

  it('reads what the emulator prints, and refuses an error instead of a table', () => {
    const lines = showIpRoute([
      route({
        prefix: '10.10.0.0/16',
        protocol: 'bgp',
        distance: 20,
        nextHop: '169.254.1.2',
        iface: 'vti1',
      }),
    ]);
    expect(parseIpRoute(lines.join('\n'))).toEqual([
      {
        prefix: '10.10.0.0/16',
        protocol: 'bgp',
        distance: 20,
        metric: 0,
        nextHop: '169.254.1.2',
        iface: 'vti1',
      },
    ]);
    expect(() => parseIpRoute('\n  Invalid command: show ip [route]\n')).toThrow(/show ip route/);
  });
});
