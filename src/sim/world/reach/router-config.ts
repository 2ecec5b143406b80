/**
 * What a router's running configuration says about forwarding, read from its `set` lines
 * (the same lines `show configuration commands` prints, or a far-side script as pasted):
 * interfaces, static and failover routes, BGP, prefix-lists and route-maps, IPsec peers and
 * their policy selectors, WireGuard. Lines that do not concern forwarding are ignored.
 */
import { tokenizeCliLine } from '../../vyos/parse-cli-words.js';
import { emptyFirewall, readFirewallLine, type FirewallConfig } from './firewall.js';
import { covers, parsePrefix, type Prefix } from './ipv4.js';

export interface InterfaceConfig {
  name: string;
  /** `dhcp`, or addresses with their prefix length (`169.254.1.1/30`). */
  addresses: string[];
  disabled: boolean;
}

export interface StaticRoute {
  prefix: Prefix;
  nextHop?: string;
  interface?: string;
  /** `dhcp-interface ethN`: via the gateway that interface's DHCP lease names. */
  dhcpInterface?: string;
  blackhole: boolean;
  distance: number;
  /**
   * A next hop of `protocols failover route` (vyos-1x protocols_failover.xml.in): a kernel
   * route (`proto failover`, metric `metric`, default 1) that vyos-failover.py keeps only
   * while a check target answers out of `interface`.
   */
  failover?: FailoverCheck;
}

export interface FailoverCheck {
  targets: string[];
  /** `check type`: icmp (default), arp or tcp. */
  type: string;
  /** `check policy`: any-available (default) or all-available. */
  policy: string;
  metric: number;
  onlink: boolean;
}

export interface PolicySelector {
  tunnel: string;
  local?: Prefix;
  remote?: Prefix;
}

export interface IpsecPeer {
  name: string;
  remoteAddress?: string;
  localAddress?: string;
  vti?: string;
  selectors: PolicySelector[];
  disabled: boolean;
}

export interface BgpNeighbor {
  address: string;
  remoteAs?: number;
  shutdown: boolean;
  /** Address family ipv4-unicast configured: without it a 1.4 session exchanges no IPv4. */
  ipv4: boolean;
  asOverride: boolean;
  allowasIn: boolean;
  routeMapImport?: string;
  routeMapExport?: string;
  prefixListImport?: string;
  prefixListExport?: string;
}

export interface PrefixListRule {
  rule: number;
  action: 'permit' | 'deny';
  prefix?: Prefix;
  ge?: number;
  le?: number;
}

export interface RouteMapRule {
  rule: number;
  action: 'permit' | 'deny';
  matchPrefixList?: string;
}

export interface WireguardPeer {
  name: string;
  publicKey?: string;
  allowedIps: Prefix[];
  disabled: boolean;
}

export interface WireguardInterface {
  name: string;
  addresses: string[];
  privateKey?: string;
  port?: number;
  peers: Map<string, WireguardPeer>;
}

export interface RouterConfig {
  ethernet: Map<string, InterfaceConfig>;
  vti: Map<string, InterfaceConfig>;
  wireguard: Map<string, WireguardInterface>;
  statics: StaticRoute[];
  peers: Map<string, IpsecPeer>;
  /** Pre-shared secrets by authentication entry, with the ids each entry names. */
  psk: Map<string, { secret?: string; ids: string[] }>;
  /**
   * strongSwan installs a route to each policy's remote prefix (table 220, looked up before
   * main) while its SA is up, unless `vpn ipsec options disable-route-autoinstall` (vyos-1x
   * renders charon's `install_routes` from it).
   */
  ipsecRouteAutoinstall: boolean;
  bgp: {
    asn?: number;
    networks: Prefix[];
    redistribute: Set<string>;
    neighbors: Map<string, BgpNeighbor>;
  };
  prefixLists: Map<string, PrefixListRule[]>;
  routeMaps: Map<string, RouteMapRule[]>;
  /** Zone firewall and egress shaping (firewall.ts). */
  firewall: FirewallConfig;
}

function words(line: string): string[] {
  return tokenizeCliLine(line).map((t) => t.text);
}

export function readRouterConfig(lines: readonly string[]): RouterConfig {
  const c: RouterConfig = {
    ethernet: new Map(),
    vti: new Map(),
    wireguard: new Map(),
    statics: [],
    peers: new Map(),
    psk: new Map(),
    ipsecRouteAutoinstall: true,
    bgp: { networks: [], redistribute: new Set(), neighbors: new Map() },
    prefixLists: new Map(),
    routeMaps: new Map(),
    firewall: emptyFirewall(),
  };
  const iface = (map: Map<string, InterfaceConfig>, name: string): InterfaceConfig => {
    let i = map.get(name);
    if (!i) map.set(name, (i = { name, addresses: [], disabled: false }));
    return i;
  };
  const peer = (name: string): IpsecPeer => {
    let p = c.peers.get(name);
    if (!p) c.peers.set(name, (p = { name, selectors: [], disabled: false }));
    return p;
  };
  const selector = (p: IpsecPeer, tunnel: string): PolicySelector => {
    let s = p.selectors.find((x) => x.tunnel === tunnel);
    if (!s) p.selectors.push((s = { tunnel }));
    return s;
  };
  const neighbor = (address: string): BgpNeighbor => {
    let n = c.bgp.neighbors.get(address);
    if (!n)
      c.bgp.neighbors.set(
        address,
        (n = { address, shutdown: false, ipv4: false, asOverride: false, allowasIn: false }),
      );
    return n;
  };
  const statics = new Map<string, StaticRoute>();
  const route = (prefix: Prefix, key: string): StaticRoute => {
    let r = statics.get(key);
    if (!r) statics.set(key, (r = { prefix, blackhole: false, distance: 1 }));
    return r;
  };
  const rule = <T extends { rule: number; action: 'permit' | 'deny' }>(
    map: Map<string, T[]>,
    name: string,
    n: number,
  ): T => {
    const list = map.get(name) ?? [];
    map.set(name, list);
    let r = list.find((x) => x.rule === n);
    if (!r) list.push((r = { rule: n, action: 'deny' } as T));
    list.sort((a, b) => a.rule - b.rule);
    return r;
  };

  for (const line of lines) {
    const w = words(line);
    if (w[0] !== 'set') continue;
    const [, a, b, cc, d, e, f, g, h] = w;
    const last = w[w.length - 1]!;
    if (a === 'firewall' || a === 'qos') readFirewallLine(c.firewall, line);
    else if (a === 'interfaces' && (b === 'ethernet' || b === 'vti') && cc !== undefined) {
      const i = iface(b === 'ethernet' ? c.ethernet : c.vti, cc);
      if (d === 'address' && e) i.addresses.push(e);
      if (d === 'disable') i.disabled = true;
    } else if (a === 'interfaces' && b === 'wireguard' && cc !== undefined) {
      let wg = c.wireguard.get(cc);
      if (!wg) c.wireguard.set(cc, (wg = { name: cc, addresses: [], peers: new Map() }));
      if (d === 'address' && e) wg.addresses.push(e);
      else if (d === 'private-key' && e) wg.privateKey = e;
      else if (d === 'port' && e) wg.port = Number(e);
      else if (d === 'peer' && e !== undefined) {
        let p = wg.peers.get(e);
        if (!p) wg.peers.set(e, (p = { name: e, allowedIps: [], disabled: false }));
        const prefix = g ? parsePrefix(g) : undefined;
        if (f === 'allowed-ips' && prefix) p.allowedIps.push(prefix);
        else if (f === 'public-key' && g) p.publicKey = g;
        else if (f === 'disable') p.disabled = true;
      }
    } else if (a === 'protocols' && b === 'failover' && cc === 'route') {
      const prefix = d ? parsePrefix(d) : undefined;
      if (!prefix || e !== 'next-hop' || !f) continue;
      const r = route(prefix, `${d} failover ${f}`);
      r.nextHop = f;
      const check = (r.failover ??= {
        targets: [],
        type: 'icmp',
        policy: 'any-available',
        metric: 1,
        onlink: false,
      });
      if (g === 'interface' && h) r.interface = h;
      else if (g === 'metric' && h) check.metric = Number(h);
      else if (g === 'onlink') check.onlink = true;
      else if (g === 'check' && h === 'target' && w[9]) check.targets.push(w[9]);
      else if (g === 'check' && h === 'type' && w[9]) check.type = w[9];
      else if (g === 'check' && h === 'policy' && w[9]) check.policy = w[9];
    } else if (a === 'protocols' && b === 'static' && cc === 'route') {
      const prefix = d ? parsePrefix(d) : undefined;
      if (!prefix) continue;
      if (e === 'next-hop' && f) {
        const r = route(prefix, `${d} nh ${f}`);
        r.nextHop = f;
        if (g === 'distance' && h) r.distance = Number(h);
        if (g === 'interface' && h) r.interface = h;
      } else if (e === 'interface' && f) {
        const r = route(prefix, `${d} if ${f}`);
        r.interface = f;
        if (g === 'distance' && h) r.distance = Number(h);
      } else if (e === 'dhcp-interface' && f) {
        route(prefix, `${d} dhcp ${f}`).dhcpInterface = f;
      } else if (e === 'blackhole') {
        const r = route(prefix, `${d} blackhole`);
        r.blackhole = true;
        if (f === 'distance' && g) r.distance = Number(g);
      }
    } else if (a === 'protocols' && b === 'bgp') {
      if (cc === 'system-as' && d) c.bgp.asn = Number(d);
      else if (cc === 'address-family' && d === 'ipv4-unicast' && e === 'network' && f) {
        const p = parsePrefix(f);
        if (p && !c.bgp.networks.some((x) => x.text === p.text)) c.bgp.networks.push(p);
      } else if (cc === 'address-family' && d === 'ipv4-unicast' && e === 'redistribute' && f)
        c.bgp.redistribute.add(f);
      else if (cc === 'neighbor' && d !== undefined) {
        const n = neighbor(d);
        if (e === 'remote-as' && f) n.remoteAs = Number(f);
        else if (e === 'shutdown') n.shutdown = true;
        else if (e === 'address-family' && f === 'ipv4-unicast') {
          n.ipv4 = true;
          if (g === 'as-override') n.asOverride = true;
          else if (g === 'allowas-in') n.allowasIn = true;
          else if (g === 'route-map' && h === 'import') n.routeMapImport = last;
          else if (g === 'route-map' && h === 'export') n.routeMapExport = last;
          else if (g === 'prefix-list' && h === 'import') n.prefixListImport = last;
          else if (g === 'prefix-list' && h === 'export') n.prefixListExport = last;
        }
      }
    } else if (a === 'policy' && b === 'prefix-list' && cc && d === 'rule' && e) {
      const r = rule<PrefixListRule>(c.prefixLists, cc, Number(e));
      if (f === 'action' && (g === 'permit' || g === 'deny')) r.action = g;
      else if (f === 'prefix' && g) r.prefix = parsePrefix(g);
      else if (f === 'ge' && g) r.ge = Number(g);
      else if (f === 'le' && g) r.le = Number(g);
    } else if (a === 'policy' && b === 'route-map' && cc && d === 'rule' && e) {
      const r = rule<RouteMapRule>(c.routeMaps, cc, Number(e));
      if (f === 'action' && (g === 'permit' || g === 'deny')) r.action = g;
      else if (f === 'match' && g === 'ip' && h === 'address' && w[10] === 'prefix-list')
        r.matchPrefixList = w[11];
    } else if (a === 'vpn' && b === 'ipsec' && cc === 'site-to-site' && d === 'peer' && e) {
      const p = peer(e);
      if (f === 'remote-address' && g) p.remoteAddress = g;
      else if (f === 'local-address' && g) p.localAddress = g;
      else if (f === 'vti' && g === 'bind' && h) p.vti = h;
      else if (f === 'disable') p.disabled = true;
      else if (f === 'tunnel' && g !== undefined) {
        const s = selector(p, g);
        const prefix = w[10] ? parsePrefix(w[10]) : undefined;
        if (h === 'local' && w[9] === 'prefix' && prefix) s.local = prefix;
        if (h === 'remote' && w[9] === 'prefix' && prefix) s.remote = prefix;
      }
    } else if (
      a === 'vpn' &&
      b === 'ipsec' &&
      cc === 'options' &&
      d === 'disable-route-autoinstall'
    ) {
      c.ipsecRouteAutoinstall = false;
    } else if (a === 'vpn' && b === 'ipsec' && cc === 'authentication' && d === 'psk' && e) {
      const entry = c.psk.get(e) ?? { ids: [] };
      c.psk.set(e, entry);
      if (f === 'secret' && g) entry.secret = g;
      else if (f === 'id' && g) entry.ids.push(g);
    }
  }
  c.statics = [...statics.values()];
  return c;
}

/** Prefix-list verdict (FRR: first matching rule wins, no match = deny). */
export function prefixListPermits(rules: PrefixListRule[] | undefined, p: Prefix): boolean {
  if (!rules) return false; // FRR: a reference to a missing list denies everything
  for (const r of rules) {
    if (!r.prefix) continue;
    const lo = r.ge ?? r.prefix.len;
    const hi = r.le ?? (r.ge !== undefined ? 32 : r.prefix.len);
    const within = covers(r.prefix, p);
    if (within && p.len >= lo && p.len <= hi) return r.action === 'permit';
  }
  return false;
}

/** Route-map verdict: first rule whose match holds; no rule matches = deny (FRR). */
export function routeMapPermits(c: RouterConfig, name: string | undefined, p: Prefix): boolean {
  if (name === undefined) return true;
  const rules = c.routeMaps.get(name);
  if (!rules) return false;
  for (const r of rules) {
    const matches =
      r.matchPrefixList === undefined || prefixListPermits(c.prefixLists.get(r.matchPrefixList), p);
    if (matches) return r.action === 'permit';
  }
  return false;
}
