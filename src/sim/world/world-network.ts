/**
 * The running world turned into the reachability oracle's `Network`, from the world's own
 * state only: the EC2 emulator (VPCs, subnets, route tables with their propagating VGWs,
 * instances and their ENIs, Elastic IPs, VGWs, VPN connections and their static routes), each
 * router's running configuration and SA states, the far-side routers (the office, sites an
 * operator installed with their far-side script) and the WireGuard client files.
 */
import type { Ec2State } from '../ec2/state.js';
import type { FarEnd } from './check-tunnel.js';
import { parsePrefix, addressOf, contains, type Prefix } from './reach/ipv4.js';
import type {
  Endpoint,
  Leg,
  Network,
  NetRouter,
  NetRoute,
  NetRouteTable,
  NetVgw,
  NetVpc,
  NetWireguardClient,
  SaState,
} from './reach/network.js';
import { readRouterConfig, type RouterConfig } from './reach/router-config.js';
import type { Topology } from './topology-types.js';

/** A far-side router: the office, or a site whose operator pasted flatnet's script. */
export interface SiteRecord {
  name: string;
  publicIp: string;
  /** Its second uplink's address, when it has a backup line (eth2). */
  backupIp?: string;
  lan: string;
  /** Its whole configuration as `set` lines (interfaces first, then the pasted script). */
  lines: string[];
  /** Endpoint label: `office`, `site/<name>`. */
  label: string;
}

export interface InstanceRouterState {
  instanceId: string;
  name: string;
  up: boolean;
  lines: readonly string[];
}

export interface WorldNetworkInput {
  state: Ec2State;
  topology: Topology;
  routers: InstanceRouterState[];
  /** The tunnel oracle's verdict for an instance router's peer (far end when up). */
  tunnel(instanceId: string, peer: string): { up: boolean; far?: FarEnd; reason: string };
  sites: SiteRecord[];
  clients: NetWireguardClient[];
  /** Parsed configurations, reused while a router's lines do not change. */
  parse(lines: readonly string[]): RouterConfig;
}

const siteId = (name: string): string => `site:${name}`;

/** The host test packets use in a VPC: `.2.100`, in the VPC's second /24 (its private subnet). */
function vpcHost(cidr: Prefix): number {
  return cidr.base + 2 * 256 + 100;
}

function instanceLegs(state: Ec2State, instanceId: string): Leg[] {
  const inst = state.getInstance(instanceId);
  if (!inst) return [];
  const enis = [...state.networkInterfaces.values()].filter((e) => e.instanceId === instanceId);
  // VyOS names the legs by device index: eth0 the primary, then each attached interface.
  const index = (e: { networkInterfaceId: string; deviceIndex?: number }) =>
    e.networkInterfaceId === inst.networkInterfaceId ? 0 : (e.deviceIndex ?? 1);
  enis.sort((a, b) => index(a) - index(b));
  return enis.flatMap((eni, i) => {
    const subnet = state.subnets.get(eni.subnetId);
    const prefix = subnet ? parsePrefix(subnet.cidrBlock) : undefined;
    const address = addressOf(eni.privateIp);
    if (!subnet || !prefix || address === undefined) return [];
    return [
      {
        iface: `eth${i}`,
        address,
        prefix,
        gateway: prefix.base + 1,
        vpc: { vpcId: eni.vpcId, subnetId: eni.subnetId },
      },
    ];
  });
}

function siteLegs(config: RouterConfig, lan: Prefix | undefined): Leg[] {
  const legs: Leg[] = [];
  for (const e of config.ethernet.values()) {
    for (const a of e.addresses) {
      const prefix = parsePrefix(a);
      const address = addressOf(a);
      if (!prefix || address === undefined) continue;
      legs.push({
        iface: e.name,
        address,
        prefix,
        lan: lan !== undefined && prefix.text === lan.text,
      });
    }
  }
  return legs;
}

export function worldNetwork(input: WorldNetworkInput): Network {
  const { state, topology } = input;
  const publicIpOf = new Map<string, string>();
  for (const a of state.addresses.values())
    if (a.instanceId) publicIpOf.set(a.instanceId, a.publicIp);

  const routers: NetRouter[] = input.routers.map((r) => ({
    id: r.instanceId,
    name: r.name,
    kind: 'instance',
    up: r.up,
    config: input.parse(r.lines),
    legs: instanceLegs(state, r.instanceId),
    publicIp: publicIpOf.get(r.instanceId),
    sourceDestCheck: state.getInstance(r.instanceId)?.sourceDestCheck ?? true,
  }));
  const sites = input.sites.map((s) => {
    const config = input.parse(s.lines);
    const router: NetRouter = {
      id: siteId(s.name),
      name: s.name,
      kind: 'site',
      up: true,
      config,
      legs: siteLegs(config, parsePrefix(s.lan)),
      publicIp: s.publicIp,
      sourceDestCheck: false,
    };
    return { record: s, router };
  });
  routers.push(...sites.map((s) => s.router));
  const byId = new Map(routers.map((r) => [r.id, r]));

  /**
   * The site peer whose remote-address names this instance router's public address; with two
   * lines to the same router, the one whose local-address is the address the router dials.
   */
  const sitePeerToward = (site: NetRouter, instanceId: string, dialed: string) => {
    const ip = publicIpOf.get(instanceId);
    const toward = [...site.config.peers.values()].filter(
      (p) => p.remoteAddress === ip && !p.disabled,
    );
    return (toward.find((p) => p.localAddress === dialed) ?? toward[0])?.name;
  };
  const siteAt = (address: string) =>
    sites.find((s) => s.record.publicIp === address || s.record.backupIp === address)?.router;

  const instanceSaCache = new Map<string, SaState>();
  const instanceSa = (instanceId: string, peer: string): SaState => {
    const key = `${instanceId} ${peer}`;
    let hit = instanceSaCache.get(key);
    if (!hit) instanceSaCache.set(key, (hit = judgeInstanceSa(instanceId, peer)));
    return hit;
  };
  const judgeInstanceSa = (instanceId: string, peer: string): SaState => {
    const t = input.tunnel(instanceId, peer);
    if (!t.up || !t.far) return { up: false, reason: t.reason };
    const far = t.far;
    if (far.kind === 'router')
      return { up: true, far: { kind: 'router', id: far.instanceId, peer: far.peer } };
    if (far.kind === 'vpn') {
      const conn = state.vpnConnections.get(far.vpnConnectionId);
      if (!conn) return { up: false, reason: `no VPN connection ${far.vpnConnectionId}` };
      return {
        up: true,
        far: {
          kind: 'vgw',
          vgwId: conn.vpnGatewayId,
          vpnConnectionId: conn.vpnConnectionId,
          tunnelIndex: far.tunnelIndex,
        },
      };
    }
    const address = far.kind === 'office' ? topology.office.remoteAddress : far.address;
    const site = siteAt(address);
    if (!site)
      return {
        up: false,
        reason: `no router answers at ${address}: install the far-side script with POST /sites`,
      };
    const theirs = sitePeerToward(site, instanceId, address);
    if (!theirs) return { up: false, reason: `${site.name} has no peer toward this router` };
    return { up: true, far: { kind: 'router', id: site.id, peer: theirs } };
  };
  const saCache = new Map<string, SaState>();
  const sa = (routerId: string, peer: string): SaState => {
    const key = `${routerId} ${peer}`;
    const hit = saCache.get(key);
    if (hit) return hit;
    let answer: SaState;
    const r = byId.get(routerId);
    if (!r) answer = { up: false, reason: `no router ${routerId}` };
    else if (r.kind === 'instance') answer = instanceSa(routerId, peer);
    else {
      // A site's SA is the hub's SA seen from the other end.
      answer = { up: false, reason: "the hub's side of this tunnel is not up" };
      for (const hub of routers) {
        if (hub.kind !== 'instance') continue;
        for (const p of hub.config.peers.keys()) {
          const s = instanceSa(hub.id, p);
          if (s.up && s.far.kind === 'router' && s.far.id === routerId && s.far.peer === peer)
            answer = { up: true, far: { kind: 'router', id: hub.id, peer: p } };
        }
      }
    }
    saCache.set(key, answer);
    return answer;
  };

  const vpcs: NetVpc[] = [...state.vpcs.values()].flatMap((v) => {
    const cidr = parsePrefix(v.cidrBlock);
    if (!cidr) return [];
    const subnets = [...state.subnets.values()]
      .filter((s) => s.vpcId === v.vpcId)
      .flatMap((s) => {
        const prefix = parsePrefix(s.cidrBlock);
        return prefix ? [{ subnetId: s.subnetId, prefix }] : [];
      });
    const tables: NetRouteTable[] = [...state.routeTables.values()]
      .filter((t) => t.vpcId === v.vpcId)
      .map((t) => ({
        routeTableId: t.routeTableId,
        main: t.main,
        subnetIds: [...t.subnetIds],
        propagatingVgws: [...t.propagatingVgws],
        routes: t.routes.flatMap((r): NetRoute[] => {
          const prefix = parsePrefix(r.destination);
          if (!prefix) return [];
          if (r.gatewayId === 'local') return [{ prefix, target: { kind: 'local' as const } }];
          if (r.gatewayId?.startsWith('vgw-'))
            return [{ prefix, target: { kind: 'vgw' as const, vgwId: r.gatewayId } }];
          if (r.gatewayId) return [{ prefix, target: { kind: 'other' as const, id: r.gatewayId } }];
          const eni = r.networkInterfaceId
            ? state.getNetworkInterface(r.networkInterfaceId)
            : undefined;
          const instanceId = eni?.instanceId ?? r.instanceId;
          return [
            {
              prefix,
              target: {
                kind: 'instance' as const,
                instanceId,
                eni: r.networkInterfaceId,
                blackhole: state.routeState(r) === 'blackhole',
              },
            },
          ];
        }),
      }));
    return [{ vpcId: v.vpcId, cidr, subnets, tables }];
  });

  const vgws: NetVgw[] = [...state.vpnGateways.values()].map((g) => ({
    vgwId: g.vpnGatewayId,
    asn: g.amazonSideAsn,
    vpcId: g.vpcId,
    connections: [...state.vpnConnections.values()]
      .filter((c) => c.vpnGatewayId === g.vpnGatewayId && c.state === 'available')
      .map((c) => ({
        vpnConnectionId: c.vpnConnectionId,
        staticRoutesOnly: c.staticRoutesOnly,
        cgwAsn: state.customerGateways.get(c.customerGatewayId)?.bgpAsn ?? 65000,
        staticRoutes: c.staticRoutes.flatMap((x) => parsePrefix(x) ?? []),
        tunnels: c.tunnels.flatMap((t, index) => {
          const inside = parsePrefix(t.insideCidr);
          return inside ? [{ index, inside }] : [];
        }),
      })),
  }));

  const endpoints: Endpoint[] = [];
  for (const v of topology.vpcs) {
    const vpc = vpcs.find((x) => x.vpcId === v.id);
    if (!vpc) continue;
    const reach = v.reach;
    // A VPC behind a VGW joins the network once it has a VPN connection.
    if (reach.kind === 'vgw' && !vgws.find((g) => g.vgwId === reach.vgwId)?.connections.length)
      continue;
    const address = vpcHost(vpc.cidr);
    const subnet = vpc.subnets.find((s) => contains(s.prefix, address)) ?? vpc.subnets[0];
    if (!subnet) continue;
    endpoints.push({
      label: `${v.region}/${v.name}`,
      address,
      network: vpc.cidr,
      home: { kind: 'vpc', vpcId: vpc.vpcId, subnetId: subnet.subnetId },
    });
  }
  for (const s of sites) {
    const lan = parsePrefix(s.record.lan);
    if (!lan) continue;
    endpoints.push({
      label: s.record.label,
      address: lan.base + 100,
      network: lan,
      home: { kind: 'site', routerId: s.router.id },
    });
  }
  for (const c of input.clients)
    endpoints.push({
      label: `wg/${c.name}`,
      address: c.address.base,
      network: c.address,
      home: { kind: 'wireguard', name: c.name },
    });

  return { routers, vpcs, vgws, wireguardClients: input.clients, endpoints, sa };
}

export { readRouterConfig };
