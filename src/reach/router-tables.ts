/**
 * What a router forwards with besides its routing table, read from its configuration and its
 * SA table: site-to-site peers (VTI binding or policy tunnels with their selectors, each
 * child SA up or not) and WireGuard peers (allowed-ips, latest handshake). The kernel looks
 * up XFRM policies after the route (a policy tunnel whose selectors match takes the packet)
 * and WireGuard picks the peer whose allowed-ips hold the destination.
 */
import { parseCidr, type Ipv4Network } from '../net/cidr.js';
import type { ConfigLine } from '../vyos/types.js';
import type { RouterReading } from './reach-state.js';

export interface PolicyTunnel {
  id: string;
  local?: string;
  remote?: string;
  /** Its child SA (`<peer>-tunnel-<id>`) is up. */
  up: boolean;
}

export interface TunnelPeer {
  name: string;
  remoteAddress?: string;
  disabled: boolean;
  vti?: string;
  /** `<peer>-vti` is up. */
  vtiUp: boolean;
  tunnels: PolicyTunnel[];
}

export interface WireguardPeer {
  iface: string;
  name: string;
  publicKey?: string;
  allowedIps: string[];
  /** Seconds since the latest handshake; undefined when there never was one. */
  handshakeSecondsAgo?: number;
}

export interface RouterTables {
  peers: TunnelPeer[];
  wireguard: WireguardPeer[];
}

/** A WireGuard peer counts as connected with a handshake in the last 3 minutes (as /vpn status). */
export const HANDSHAKE_FRESH_SECONDS = 180;

export function readRouterTables(reading: RouterReading): RouterTables {
  const peers = new Map<string, TunnelPeer>();
  const wg = new Map<string, WireguardPeer>();
  const upSas = new Set(reading.sas.sas.filter((s) => s.state === 'up').map((s) => s.connection));
  const peer = (name: string): TunnelPeer => {
    let p = peers.get(name);
    if (!p) peers.set(name, (p = { name, disabled: false, vtiUp: false, tunnels: [] }));
    return p;
  };
  const tunnel = (p: TunnelPeer, id: string): PolicyTunnel => {
    let t = p.tunnels.find((x) => x.id === id);
    if (!t) p.tunnels.push((t = { id, up: upSas.has(`${p.name}-tunnel-${id}`) }));
    return t;
  };
  for (const line of reading.config) readLine(line, peer, tunnel, wg);
  for (const p of peers.values()) p.vtiUp = upSas.has(`${p.name}-vti`);
  for (const status of reading.wireguard)
    for (const s of status.peers) {
      const w = [...wg.values()].find(
        (x) => x.iface === status.interface && (x.publicKey === s.publicKey || x.name === s.name),
      );
      if (w && s.latestHandshakeSeconds !== undefined)
        w.handshakeSecondsAgo = s.latestHandshakeSeconds;
    }
  return { peers: [...peers.values()], wireguard: [...wg.values()] };
}

function readLine(
  line: ConfigLine,
  peer: (name: string) => TunnelPeer,
  tunnel: (p: TunnelPeer, id: string) => PolicyTunnel,
  wg: Map<string, WireguardPeer>,
): void {
  if (line.op !== 'set') return;
  const p = line.path;
  const v = line.value;
  if (p[0] === 'vpn' && p[1] === 'ipsec' && p[2] === 'site-to-site' && p[3] === 'peer' && p[4]) {
    const x = peer(p[4]);
    if (p[5] === 'remote-address' && v) x.remoteAddress = v;
    if (p[5] === 'disable') x.disabled = true;
    if (p[5] === 'vti' && p[6] === 'bind' && v) x.vti = v;
    if (p[5] === 'tunnel' && p[6] !== undefined) {
      const t = tunnel(x, p[6]);
      if (p[7] === 'local' && p[8] === 'prefix' && v) t.local = v;
      if (p[7] === 'remote' && p[8] === 'prefix' && v) t.remote = v;
    }
  } else if (p[0] === 'interfaces' && p[1] === 'wireguard' && p[2] && p[3] === 'peer' && p[4]) {
    const key = `${p[2]} ${p[4]}`;
    const w = wg.get(key) ?? { iface: p[2], name: p[4], allowedIps: [] };
    wg.set(key, w);
    if (p[5] === 'public-key' && v) w.publicKey = v;
    if (p[5] === 'allowed-ips' && v) w.allowedIps.push(v);
  }
}

/**
 * The WireGuard interfaces a configuration declares (what to ask `show interfaces wireguard`
 * about).
 */
export function wireguardInterfaces(config: readonly ConfigLine[]): string[] {
  const out = new Set<string>();
  for (const l of config)
    if (l.op === 'set' && l.path[0] === 'interfaces' && l.path[1] === 'wireguard' && l.path[2])
      out.add(l.path[2]);
  return [...out].filter((i) => /^wg\d{1,5}$/.test(i));
}

/**
 * Parsed prefixes, kept: the matrix of a large fleet looks up the same few hundred prefixes
 * millions of times.
 */
const parsed = new Map<string, Ipv4Network | null>();
function network(cidr: string): Ipv4Network | null {
  let n = parsed.get(cidr);
  if (n === undefined) {
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(cidr, (n = parseCidr(cidr)));
  }
  return n;
}

/** Longest-prefix match over anything with a prefix. */
export function longestMatch<T>(
  items: readonly T[],
  prefixOf: (t: T) => string,
  ip: number,
): T | undefined {
  let best: T | undefined;
  let bestLen = -1;
  for (const item of items) {
    const net = network(prefixOf(item));
    if (net && ip >= net.base && ip < net.base + net.size && net.prefix > bestLen) {
      best = item;
      bestLen = net.prefix;
    }
  }
  return best;
}

export function inCidr(cidr: string | undefined, ip: number): boolean {
  const net = cidr ? network(cidr) : null;
  return net !== null && ip >= net.base && ip < net.base + net.size;
}

/**
 * The peer lookups a hop makes, each answering what `peers.find` answers (the first match),
 * from maps built once per router's tables: a hub of 500 spokes has 500 peers, and every pair
 * of the matrix asks it several times (a scan each was a third of the judgement at 500).
 */
export interface PeerLookup {
  named(name: string): TunnelPeer | undefined;
  /** The enabled peer bound to a VTI. */
  boundTo(vti: string): TunnelPeer | undefined;
  /** The enabled peer whose remote address this is (undefined: the first without one). */
  at(remoteAddress: string | undefined): TunnelPeer | undefined;
}

const lookups = new WeakMap<RouterTables, PeerLookup>();

export function peerLookup(tables: RouterTables): PeerLookup {
  let lookup = lookups.get(tables);
  if (lookup) return lookup;
  const named = new Map<string | undefined, TunnelPeer>();
  const bound = new Map<string | undefined, TunnelPeer>();
  const at = new Map<string | undefined, TunnelPeer>();
  const first = (
    m: Map<string | undefined, TunnelPeer>,
    key: string | undefined,
    p: TunnelPeer,
  ) => {
    if (!m.has(key)) m.set(key, p);
  };
  for (const p of tables.peers) {
    first(named, p.name, p);
    if (p.disabled) continue;
    first(bound, p.vti, p);
    first(at, p.remoteAddress, p);
  }
  lookup = {
    named: (name) => named.get(name),
    boundTo: (vti) => bound.get(vti),
    at: (remoteAddress) => at.get(remoteAddress),
  };
  lookups.set(tables, lookup);
  return lookup;
}
