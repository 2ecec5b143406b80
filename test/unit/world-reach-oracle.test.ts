import { describe, expect, it } from 'vitest';
import { buildForwarding } from '../../src/sim/world/reach/oracle.js';
import { readRouterConfig } from '../../src/sim/world/reach/router-config.js';
import { wireguardPublicKey } from '../../src/sim/world/reach/wireguard-key.js';
import { renderSitePeerLines } from '../../src/onboarding/plan-ipsec-peer.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { anInventory } from '../support/inventory-builder.js';
import {
  endpoint,
  ip,
  network,
  P,
  pair,
  reach,
  router,
  vpc,
  vti,
  type World,
} from '../support/reach-world.js';

describe('reachability oracle', () => {
  it('says yes for a correct small topology, both ways, naming every hop', () => {
    const w = pair();
    const answer = reach(w, 'A', 'B');
    expect(answer.reachable).toBe(true);
    expect(answer.path.join('\n')).toMatch(/rtb-1: 10\.0\.0\.0\/8 → eni-r1/);
    expect(answer.path.join('\n')).toMatch(/r1: BGP 10\.2\.0\.0\/16 via 169\.254\.1\.2/);
    expect(reach(w, '10.2.3.4', 'A').reachable).toBe(true);
  });

  it("a BGP site's neighbour as flatnet renders it takes only the site's declared subnets", () => {
    const inventory = anInventory().build();
    // r1 is the hub: the site b (r2, 10.2/16) as add-peer puts it there.
    const hubLines = renderSitePeerLines(
      {
        name: 'b',
        remote: '198.51.100.2',
        subnets: ['10.2.0.0/16'],
        mode: 'route',
        bgpAsn: 65002,
        localAddress: '10.1.1.10',
        hubPublicAddress: '198.51.100.1',
        hubName: 'r1',
        presharedKey: 'k'.repeat(32),
        tunnel: { vtiNumber: 100, hubAddress: '169.254.100.1/30', siteAddress: '169.254.100.2/30' },
        description: 'flatnet r-test01',
      },
      inventory,
    ).map(renderConfigLine);
    // The site announces its own network and one it never declared (another site's).
    const site = router(2, [
      ...vti(2, 'vti1', '169.254.100.2/30', 'a', '169.254.100.1', 65001),
      'set protocols static route 10.9.0.0/16 blackhole',
      'set protocols bgp address-family ipv4-unicast network 10.9.0.0/16',
    ]);
    const learnt = (hub: string[]) => {
      const w = pair();
      w.routers = [router(1, hub), site];
      return [...(buildForwarding(network(w)).bgp.best.get('i-r1')?.keys() ?? [])];
    };
    expect(learnt(hubLines)).toContain('10.2.0.0/16');
    expect(learnt(hubLines)).not.toContain('10.9.0.0/16');
    // Without the filter the hub would take the hijacked prefix.
    expect(learnt(hubLines.filter((l) => !l.includes('prefix-list')))).toContain('10.9.0.0/16');
  });

  it('says no when the return route is missing, and names the VPC route table', () => {
    const w = pair();
    w.vpcs[1] = vpc(2, []);
    const answer = reach(w, 'A', 'B');
    expect(answer).toMatchObject({ reachable: false, direction: 'return' });
    expect(answer.reason).toMatch(/vpc-2 route table rtb-2 has no route to 10\.1\.2\.100/);
  });

  it('says no when the SA carrying BGP is down (no route learnt)', () => {
    const w = pair();
    w.sas['i-r1 b'] = { up: false, reason: 'forced down' };
    const answer = reach(w, 'A', 'B');
    expect(answer.reachable).toBe(false);
    // r1's DHCP default sends it back into VPC 1, whose route sends it to r1 again.
    expect(answer.reason).toMatch(/routing loop toward 10\.2\.2\.100: .*default route from DHCP/);
  });

  it('says no when the route targets a stopped instance (blackhole)', () => {
    const w = pair();
    w.vpcs[0] = vpc(1, [{ to: '10.0.0.0/8', eni: 'r1', blackhole: true }]);
    const answer = reach(w, 'A', 'B');
    expect(answer).toMatchObject({ reachable: false, direction: 'forward' });
    expect(answer.reason).toMatch(/blackhole/);
  });

  it('says no when EC2 source/destination check is on for the router', () => {
    const w = pair();
    w.routers[1]!.sourceDestCheck = true;
    expect(reach(w, 'A', 'B').reason).toMatch(/source\/destination check/);
  });

  /** r1 also terminates VPN connections of VGW VPCs 3 (and 4), all with Amazon ASN 64512. */
  function withVgws(opts: { propagate: boolean; asOverride?: boolean; second?: boolean }): World {
    const w = pair();
    const n = (k: number) => (k === 3 ? '169.254.200' : '169.254.201');
    const lines = (k: number) => [
      ...vti(1, `vti${k}00`, `${n(k)}.2/30`, `aws-${k}`, `${n(k)}.1`, 64512),
      ...(opts.asOverride
        ? [`set protocols bgp neighbor ${n(k)}.1 address-family ipv4-unicast as-override`]
        : []),
    ];
    const ks = opts.second ? [3, 4] : [3];
    w.routers[0] = router(1, [
      ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
      ...ks.flatMap(lines),
    ]);
    for (const k of ks) {
      const v = vpc(k, []);
      if (opts.propagate) v.tables[0]!.propagatingVgws = [`vgw-${k}`];
      w.vpcs.push(v);
      w.endpoints.push(endpoint(`C${k}`, k));
      w.vgws = [
        ...(w.vgws ?? []),
        {
          vgwId: `vgw-${k}`,
          asn: 64512,
          vpcId: `vpc-${k}`,
          connections: [
            {
              vpnConnectionId: `vpn-${k}`,
              staticRoutesOnly: false,
              cgwAsn: 65001,
              staticRoutes: [],
              tunnels: [{ index: 0, inside: P(`${n(k)}.0/30`) }],
            },
          ],
        },
      ];
      w.sas[`i-r1 aws-${k}`] = {
        up: true,
        far: { kind: 'vgw', vgwId: `vgw-${k}`, vpnConnectionId: `vpn-${k}`, tunnelIndex: 0 },
      };
    }
    return w;
  }

  it('says no when VGW route propagation is off, yes once it is on', () => {
    const off = reach(withVgws({ propagate: false }), 'B', 'C3');
    expect(off).toMatchObject({ reachable: false, direction: 'return' });
    expect(off.reason).toMatch(/vpc-3 route table rtb-3 has no route to 10\.2\.2\.100/);
    const on = reach(withVgws({ propagate: true }), 'B', 'C3');
    expect(on.reachable).toBe(true);
    expect(on.path.join('\n')).toMatch(/vgw-3 \(propagated\)/);
  });

  it('says no across two VGWs with the same ASN (AS-path loop), yes with as-override', () => {
    const loop = reach(withVgws({ propagate: true, second: true }), 'C3', 'C4');
    expect(loop.reachable).toBe(false);
    expect(loop.reason).toMatch(/vpc-3 route table rtb-3 has no route to 10\.4\.2\.100/);
    const fixed = reach(withVgws({ propagate: true, second: true, asOverride: true }), 'C3', 'C4');
    expect(fixed.reachable).toBe(true);
  });

  /** A site router with LAN 192.168.0.0/16 on a policy-based tunnel to r1. */
  function withSite(siteRemote: string): World {
    const w = pair();
    w.vpcs[0] = vpc(1, [
      { to: '10.0.0.0/8', eni: 'r1' },
      { to: '192.168.0.0/16', eni: 'r1' },
    ]);
    w.routers[0] = router(1, [
      ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
      "set vpn ipsec site-to-site peer office tunnel 0 local prefix '10.0.0.0/8'",
      "set vpn ipsec site-to-site peer office tunnel 0 remote prefix '192.168.0.0/16'",
    ]);
    w.routers.push({
      id: 'site:office',
      name: 'office',
      kind: 'site',
      up: true,
      sourceDestCheck: false,
      publicIp: '192.0.2.50',
      legs: [
        { iface: 'eth0', address: ip('192.0.2.50'), prefix: P('192.0.2.0/24') },
        { iface: 'eth1', address: ip('192.168.0.1'), prefix: P('192.168.0.0/16'), lan: true },
      ],
      config: readRouterConfig([
        "set protocols static route 0.0.0.0/0 next-hop '192.0.2.1'",
        "set vpn ipsec site-to-site peer hub tunnel 0 local prefix '192.168.0.0/16'",
        `set vpn ipsec site-to-site peer hub tunnel 0 remote prefix '${siteRemote}'`,
      ]),
    });
    w.endpoints.push({
      label: 'office',
      address: ip('192.168.1.100'),
      network: P('192.168.0.0/16'),
      home: { kind: 'site', routerId: 'site:office' },
    });
    w.sas['i-r1 office'] = { up: true, far: { kind: 'router', id: 'site:office', peer: 'hub' } };
    w.sas['site:office hub'] = { up: true, far: { kind: 'router', id: 'i-r1', peer: 'office' } };
    return w;
  }

  it(
    'says yes through mirrored policy selectors, ' +
      'no when the far side does not cover the source',
    () => {
      expect(reach(withSite('10.0.0.0/8'), 'A', 'office').reachable).toBe(true);
      // B's side knows no route to the office: nobody announces it.
      expect(reach(withSite('10.0.0.0/8'), 'B', 'office').reason).toMatch(/rtb-2 has no route/);
      const narrow = reach(withSite('10.2.0.0/16'), 'A', 'office');
      expect(narrow).toMatchObject({ reachable: false, direction: 'forward', brokenAt: 'office' });
      expect(narrow.reason).toMatch(/selector mismatch/);
    },
  );

  it(
    "strongSwan routes an up policy's remote prefix itself; " +
      'not with disable-route-autoinstall, nor with the SA down',
    () => {
      const site = (w: World, extra: string[]) => {
        const office = w.routers.find((r) => r.name === 'office')!;
        // No default route: only the IPsec daemon's own route (table 220) can carry the reply.
        office.config = readRouterConfig([
          "set vpn ipsec site-to-site peer hub tunnel 0 local prefix '192.168.0.0/16'",
          "set vpn ipsec site-to-site peer hub tunnel 0 remote prefix '10.0.0.0/8'",
          ...extra,
        ]);
        return w;
      };
      expect(reach(site(withSite('10.0.0.0/8'), []), 'A', 'office').reachable).toBe(true);
      const off = reach(
        site(withSite('10.0.0.0/8'), ['set vpn ipsec options disable-route-autoinstall']),
        'A',
        'office',
      );
      expect(off).toMatchObject({ reachable: false, direction: 'return' });
      expect(off.reason).toMatch(/office has no route to 10\.1\.2\.100/);
      const down = site(withSite('10.0.0.0/8'), []);
      down.sas['site:office hub'] = { up: false, reason: 'no IKE answer' };
      expect(reach(down, 'A', 'office').reachable).toBe(false);
      // The route's preferred source comes from the local selector: without an address of the
      // router inside it, strongSwan installs no route.
      const sourceless = site(withSite('10.0.0.0/8'), []);
      sourceless.routers.find((r) => r.name === 'office')!.legs[1]!.address = ip('172.16.0.1');
      expect(reach(sourceless, 'A', 'office')).toMatchObject({
        reachable: false,
        direction: 'return',
      });
      expect(reach(sourceless, 'A', 'office').reason).toMatch(
        /office has no route to 10\.1\.2\.100/,
      );
    },
  );

  it(
    'a static route with dhcp-interface anchors a BGP network via ' +
      'the DHCP gateway; on an interface without DHCP it does not exist',
    () => {
      const anchored = (iface: string) => {
        const w = withSite('10.0.0.0/8');
        w.vpcs[1] = vpc(2, [
          { to: '10.0.0.0/8', eni: 'r2' },
          { to: '192.168.0.0/16', eni: 'r2' },
        ]);
        w.routers[0] = router(1, [
          ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
          "set vpn ipsec site-to-site peer office tunnel 0 local prefix '10.0.0.0/8'",
          "set vpn ipsec site-to-site peer office tunnel 0 remote prefix '192.168.0.0/16'",
          `set protocols static route 192.168.0.0/16 dhcp-interface '${iface}'`,
          'set protocols bgp address-family ipv4-unicast network 192.168.0.0/16',
        ]);
        return w;
      };
      expect(reach(anchored('eth0'), 'B', 'office').reachable).toBe(true);
      // eth1 has no DHCP lease: no route, so FRR's import-check keeps the network unannounced.
      const none = reach(anchored('eth1'), 'B', 'office');
      expect(none.reachable).toBe(false);
      expect(none.reason).toMatch(/r2/);
    },
  );

  /** r1 serves WireGuard; the client `alice` runs the file with `allowed` as AllowedIPs. */
  function withClient(allowed: string[]): World {
    const w = pair();
    const server = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
    const alicePrivate = 'cNEOq6gU7mE1fK0PZ0Ud1Dyl8a2BbUm5CjQb3k8nX1I=';
    w.vpcs[0] = vpc(1, [
      { to: '10.0.0.0/8', eni: 'r1' },
      { to: '10.250.0.0/24', eni: 'r1' },
    ]);
    const alicePublic = wireguardPublicKey(alicePrivate)!;
    w.routers[0] = router(1, [
      ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
      "set interfaces wireguard wg0 address '10.250.0.1/24'",
      "set interfaces wireguard wg0 port '51820'",
      `set interfaces wireguard wg0 private-key '${server}'`,
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.2/32'",
      `set interfaces wireguard wg0 peer alice public-key '${alicePublic}'`,
    ]);
    w.clients = [
      {
        name: 'alice',
        address: P('10.250.0.2/32'),
        publicKey: alicePublic,
        serverPublicKey: wireguardPublicKey(server)!,
        endpoint: { ip: '198.51.100.1', port: 51820 },
        allowedIps: allowed.map(P),
      },
    ];
    w.endpoints.push({
      label: 'wg/alice',
      address: ip('10.250.0.2'),
      network: P('10.250.0.2/32'),
      home: { kind: 'wireguard', name: 'alice' },
    });
    return w;
  }

  it(
    "says no when a client's AllowedIPs are too " + 'narrow, yes when they cover the far network',
    () => {
      const narrow = reach(withClient(['10.250.0.0/24']), 'A', 'wg/alice');
      expect(narrow).toMatchObject({ reachable: false, brokenAt: 'WireGuard client alice' });
      expect(narrow.reason).toMatch(/AllowedIPs \(10\.250\.0\.0\/24\) do not cover 10\.1\.2\.100/);
      expect(reach(withClient(['10.250.0.0/24']), 'wg/alice', 'A').reason).toMatch(
        /do not cover 10\.1\.2\.100: the laptop does not send it/,
      );
      expect(reach(withClient(['10.0.0.0/8']), 'wg/alice', 'A').reachable).toBe(true);
      // B's router learnt nothing of the WireGuard pool: the hub does not announce it.
      const noAnnounce = reach(withClient(['10.0.0.0/8']), 'wg/alice', 'B');
      expect(noAnnounce).toMatchObject({ reachable: false, direction: 'return' });
      expect(noAnnounce.reason).toMatch(/routing loop toward 10\.250\.0\.2: r2: default route/);
    },
  );

  /**
   * r1 (the hub) reaches a static site (LAN 172.16.0.0/16) over two tunnels: primary vti100,
   * backup vti101, each route a `protocols failover` next hop checking the site's LAN address.
   */
  function withTwoTunnels(hubExtra: string[] = [], siteRoutes?: string[]): World {
    const w = pair();
    w.vpcs[0] = vpc(1, [
      { to: '10.0.0.0/8', eni: 'r1' },
      { to: '172.16.0.0/16', eni: 'r1' },
    ]);
    const hop = (n: number, metric: number, target = '172.16.0.1') => {
      const base = `set protocols failover route 172.16.0.0/16 next-hop 169.254.${n}.2`;
      return [
        `${base} check target '${target}'`,
        `${base} check type 'icmp'`,
        `${base} interface 'vti${n}'`,
        `${base} metric '${metric}'`,
      ];
    };
    w.routers[0] = router(1, [
      ...vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002),
      "set interfaces vti vti100 address '169.254.100.1/30'",
      "set interfaces vti vti101 address '169.254.101.1/30'",
      "set vpn ipsec site-to-site peer intranet vti bind 'vti100'",
      "set vpn ipsec site-to-site peer intranet-2 vti bind 'vti101'",
      ...(hubExtra.length > 0 ? hubExtra : [...hop(100, 1), ...hop(101, 2)]),
    ]);
    w.routers.push({
      id: 'site:intranet',
      name: 'intranet',
      kind: 'site',
      up: true,
      sourceDestCheck: false,
      publicIp: '192.0.2.50',
      legs: [
        { iface: 'eth0', address: ip('192.0.2.50'), prefix: P('192.0.2.0/24') },
        { iface: 'eth2', address: ip('198.18.0.50'), prefix: P('198.18.0.0/24') },
        { iface: 'eth1', address: ip('172.16.0.1'), prefix: P('172.16.0.0/16'), lan: true },
      ],
      config: readRouterConfig([
        "set interfaces vti vti100 address '169.254.100.2/30'",
        "set interfaces vti vti101 address '169.254.101.2/30'",
        "set vpn ipsec site-to-site peer hub vti bind 'vti100'",
        "set vpn ipsec site-to-site peer hub-2 vti bind 'vti101'",
        ...(siteRoutes ?? [
          "set protocols static route 10.0.0.0/8 next-hop 169.254.100.1 distance '1'",
          "set protocols static route 10.0.0.0/8 next-hop 169.254.101.1 distance '2'",
        ]),
      ]),
    });
    w.endpoints.push({
      label: 'site/intranet',
      address: ip('172.16.0.100'),
      network: P('172.16.0.0/16'),
      home: { kind: 'site', routerId: 'site:intranet' },
    });
    const up = (hub: string, site: string) => {
      w.sas[`i-r1 ${hub}`] = { up: true, far: { kind: 'router', id: 'site:intranet', peer: site } };
      w.sas[`site:intranet ${site}`] = { up: true, far: { kind: 'router', id: 'i-r1', peer: hub } };
    };
    up('intranet', 'hub');
    up('intranet-2', 'hub-2');
    return w;
  }
  const down = (w: World, hub: string, site: string) => {
    w.sas[`i-r1 ${hub}`] = { up: false, reason: 'forced down' };
    w.sas[`site:intranet ${site}`] = { up: false, reason: 'forced down' };
    return w;
  };
  const hubRoute = (w: World) =>
    buildForwarding(network(w))
      .ribs.get('i-r1')!
      .find((e) => e.prefix.text === '172.16.0.0/16');

  it('protocols failover: the lowest metric whose target answers across its tunnel wins', () => {
    const both = withTwoTunnels();
    expect(hubRoute(both)).toMatchObject({ source: 'failover', nextHop: '169.254.100.2' });
    expect(reach(both, 'A', 'site/intranet').path.join('\n')).toMatch(/vti100, metric 1/);
    // The primary tunnel dies: the backup's route is the one left, both ways.
    const primaryDown = down(withTwoTunnels(), 'intranet', 'hub');
    expect(hubRoute(primaryDown)).toMatchObject({ nextHop: '169.254.101.2', metric: 2 });
    const answer = reach(primaryDown, 'A', 'site/intranet');
    expect(answer.reachable).toBe(true);
    expect(answer.path.join('\n')).toMatch(/vti101, metric 2/);
    expect(reach(primaryDown, 'site/intranet', 'A').reachable).toBe(true);
    // Both down: no failover route; the DHCP default sends it back into the VPC, which loops.
    const bothDown = down(down(withTwoTunnels(), 'intranet', 'hub'), 'intranet-2', 'hub-2');
    expect(hubRoute(bothDown)).toBeUndefined();
    expect(reach(bothDown, 'A', 'site/intranet').reason).toMatch(/routing loop toward 172\.16/);
  });

  it(
    'protocols failover: a target not at the far ' + 'end, arp, a next hop off the VTI: no route',
    () => {
      const hop = (n: number, last: string[]) =>
        last.map((l) => `set protocols failover route 172.16.0.0/16 next-hop ${l}`);
      const cases = [
        // 10.9.9.9 is nowhere on the site: ping across the tunnel gets no answer.
        hop(100, ["169.254.100.2 check target '10.9.9.9'", "169.254.100.2 interface 'vti100'"]),
        hop(100, [
          "169.254.100.2 check target '172.16.0.1'",
          "169.254.100.2 check type 'arp'",
          "169.254.100.2 interface 'vti100'",
        ]),
        // The next hop is not on vti100's /30: the kernel refuses the route.
        hop(100, ["169.254.101.2 check target '172.16.0.1'", "169.254.101.2 interface 'vti100'"]),
      ];
      for (const lines of cases) expect(hubRoute(withTwoTunnels(lines)), lines[0]).toBeUndefined();
      const ok = hop(100, [
        "169.254.100.2 check target '169.254.100.2'",
        "169.254.100.2 interface 'vti100'",
      ]);
      expect(hubRoute(withTwoTunnels(ok))).toMatchObject({ source: 'failover', metric: 1 });
    },
  );
});
