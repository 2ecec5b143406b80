/**
 * Small hand-built worlds for the reachability oracle's unit tests: VPCs, VyOS routers read from
 * their `set` lines, VTIs with BGP, endpoints and SA states, judged by the oracle itself.
 */
import { parsePrefix, addressOf, type Prefix } from '../../src/sim/world/reach/ipv4.js';
import type {
  Endpoint,
  Network,
  NetRouter,
  NetVgw,
  NetVpc,
  NetWireguardClient,
  SaState,
} from '../../src/sim/world/reach/network.js';
import { buildForwarding, findEndpoint, reachBetween } from '../../src/sim/world/reach/oracle.js';
import type { TraceFlow } from '../../src/sim/world/reach/trace.js';
import { readRouterConfig } from '../../src/sim/world/reach/router-config.js';

export const P = (t: string): Prefix => parsePrefix(t)!;
export const ip = (t: string): number => addressOf(t)!;

/**
 * Two spoke-like VPCs A (10.1/16) and B (10.2/16), each with a VyOS router, joined by VTI + BGP.
 */
export function vpc(
  n: number,
  routes: { to: string; eni?: string; vgw?: string; blackhole?: boolean }[],
) {
  const v: NetVpc = {
    vpcId: `vpc-${n}`,
    cidr: P(`10.${n}.0.0/16`),
    subnets: [
      { subnetId: `subnet-${n}a`, prefix: P(`10.${n}.1.0/24`) },
      { subnetId: `subnet-${n}b`, prefix: P(`10.${n}.2.0/24`) },
    ],
    tables: [
      {
        routeTableId: `rtb-${n}`,
        main: true,
        subnetIds: [],
        propagatingVgws: [],
        routes: [
          { prefix: P(`10.${n}.0.0/16`), target: { kind: 'local' } },
          ...routes.map((r) => ({
            prefix: P(r.to),
            target: r.vgw
              ? { kind: 'vgw' as const, vgwId: r.vgw }
              : {
                  kind: 'instance' as const,
                  instanceId: `i-${r.eni}`,
                  eni: `eni-${r.eni}`,
                  blackhole: r.blackhole ?? false,
                },
          })),
        ],
      },
    ],
  };
  return v;
}

export function router(n: number, extra: string[], asn = 65000 + n): NetRouter {
  return {
    id: `i-r${n}`,
    name: `r${n}`,
    kind: 'instance',
    up: true,
    sourceDestCheck: false,
    publicIp: `198.51.100.${n}`,
    legs: [
      {
        iface: 'eth0',
        address: ip(`10.${n}.1.10`),
        prefix: P(`10.${n}.1.0/24`),
        gateway: ip(`10.${n}.1.1`),
        vpc: { vpcId: `vpc-${n}`, subnetId: `subnet-${n}a` },
      },
    ],
    config: readRouterConfig([
      "set interfaces ethernet eth0 address 'dhcp'",
      `set protocols static route 10.${n}.0.0/16 next-hop 10.${n}.1.1`,
      `set protocols bgp system-as '${asn}'`,
      `set protocols bgp address-family ipv4-unicast network 10.${n}.0.0/16`,
      ...extra,
    ]),
  };
}

export const vti = (
  n: number,
  name: string,
  addr: string,
  peer: string,
  neighbor: string,
  as: number,
) => [
  `set interfaces vti ${name} address '${addr}'`,
  `set vpn ipsec site-to-site peer ${peer} vti bind '${name}'`,
  `set protocols bgp neighbor ${neighbor} address-family ipv4-unicast`,
  `set protocols bgp neighbor ${neighbor} remote-as '${as}'`,
];

export function endpoint(label: string, n: number): Endpoint {
  return {
    label,
    address: ip(`10.${n}.2.100`),
    network: P(`10.${n}.0.0/16`),
    home: { kind: 'vpc', vpcId: `vpc-${n}`, subnetId: `subnet-${n}b` },
  };
}

export interface World {
  routers: NetRouter[];
  vpcs: NetVpc[];
  vgws?: NetVgw[];
  clients?: NetWireguardClient[];
  endpoints: Endpoint[];
  sas: Record<string, SaState>;
}

export function network(w: World): Network {
  return {
    routers: w.routers,
    vpcs: w.vpcs,
    vgws: w.vgws ?? [],
    wireguardClients: w.clients ?? [],
    endpoints: w.endpoints,
    sa: (r, p) => w.sas[`${r} ${p}`] ?? { up: false, reason: 'no such SA' },
  };
}

export function reach(w: World, from: string, to: string, flow?: TraceFlow) {
  const net = network(w);
  const [a, b] = [findEndpoint(net, from)!, findEndpoint(net, to)!];
  return reachBetween(buildForwarding(net), a, b, flow);
}

/** A ↔ B over one VTI with BGP; `tweak` edits the world before judging. */
export function pair(): World {
  return {
    routers: [
      router(1, vti(1, 'vti1', '169.254.1.1/30', 'b', '169.254.1.2', 65002)),
      router(2, vti(2, 'vti1', '169.254.1.2/30', 'a', '169.254.1.1', 65001)),
    ],
    vpcs: [vpc(1, [{ to: '10.0.0.0/8', eni: 'r1' }]), vpc(2, [{ to: '10.0.0.0/8', eni: 'r2' }])],
    endpoints: [endpoint('A', 1), endpoint('B', 2)],
    sas: {
      'i-r1 b': { up: true, far: { kind: 'router', id: 'i-r2', peer: 'a' } },
      'i-r2 a': { up: true, far: { kind: 'router', id: 'i-r1', peer: 'b' } },
    },
  };
}
