/**
 * The simulator's judge of reachability: a pair of endpoints reaches iff a packet from one
 * arrives at the other hop by hop AND the reply arrives back. Built from a `Network` (the
 * world's own state) alone; answers name the first hop that breaks and why.
 */
import { runBgp } from './bgp.js';
import { addressOf, contains, ipText } from './ipv4.js';
import type { Endpoint, Network } from './network.js';
import { baseRib, fullRib, originated, type RibEntry } from './rib.js';
import { PING, replyOf, trace, type Forwarding, type Trace, type TraceFlow } from './trace.js';
import { wireguardPublicKey } from './wireguard-key.js';

export interface ReachAnswer {
  from: string;
  to: string;
  reachable: boolean;
  /** Forward hops, then (when the forward path arrived) the return hops. */
  path: string[];
  brokenAt?: string;
  reason?: string;
  /** Which way broke. */
  direction?: 'forward' | 'return';
  /**
   * The egress shaping each way went through, at its lowest (`qos policy shaper`): bit/s and
   * where. Absent: unshaped.
   */
  rate?: { forward?: { bits: number; at: string }; return?: { bits: number; at: string } };
}

export interface ReachMatrix {
  endpoints: { label: string; address: string; network: string }[];
  paths: ReachAnswer[];
  broken: number;
  total: number;
}

export function buildForwarding(net: Network): Forwarding {
  const bases = new Map<string, RibEntry[]>();
  for (const r of net.routers) bases.set(r.id, r.up ? baseRib(net, r) : []);
  const bgp = runBgp(net, (r) => originated(r, bases.get(r.id) ?? []));
  const ribs = new Map<string, RibEntry[]>();
  for (const r of net.routers)
    ribs.set(r.id, r.up ? fullRib(bases.get(r.id)!, bgp.best.get(r.id)) : []);
  const publicIps = new Map<string, string>();
  for (const r of net.routers) if (r.publicIp && r.up) publicIps.set(r.publicIp, r.id);
  const keys = new Map<string, string | undefined>();
  return {
    net,
    bgp,
    ribs,
    publicIps,
    cache: new Map(),
    serverKey: (k) => {
      if (!keys.has(k)) keys.set(k, wireguardPublicKey(k));
      return keys.get(k);
    },
  };
}

/** An endpoint by label, or the endpoint whose network holds an address (that host). */
export function findEndpoint(net: Network, labelOrAddress: string): Endpoint | undefined {
  const byLabel = net.endpoints.find((e) => e.label === labelOrAddress);
  if (byLabel) return byLabel;
  const ip = addressOf(labelOrAddress);
  if (ip === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(labelOrAddress.trim())) return undefined;
  const home = net.endpoints
    .filter((e) => contains(e.network, ip))
    .sort((a, b) => b.network.len - a.network.len)[0];
  return home ? { ...home, address: ip } : undefined;
}

/**
 * Does `flow` (a ping unless told) get from `from` to `to`, and its reply back? The reply is a
 * packet of a connection the firewalls let through (conntrack `established`).
 */
export function reachBetween(
  f: Forwarding,
  from: Endpoint,
  to: Endpoint,
  flow: TraceFlow = PING,
): ReachAnswer {
  const fwd: Trace = trace(f, from, to, true, flow);
  const base = { from: from.label, to: to.label };
  if (!fwd.ok)
    return {
      ...base,
      reachable: false,
      path: fwd.hops,
      brokenAt: fwd.brokenAt,
      reason: fwd.reason,
      direction: 'forward',
    };
  const back = trace(f, to, from, true, replyOf(flow, fwd.routers));
  if (!back.ok)
    return {
      ...base,
      reachable: false,
      path: [...fwd.hops, ...back.hops],
      brokenAt: back.brokenAt,
      reason: `the reply from ${to.label} does not come back: ${back.reason ?? ''}`,
      direction: 'return',
    };
  const rate =
    fwd.rate || back.rate
      ? { ...(fwd.rate ? { forward: fwd.rate } : {}), ...(back.rate ? { return: back.rate } : {}) }
      : undefined;
  return { ...base, reachable: true, path: [...fwd.hops, ...back.hops], ...(rate ? { rate } : {}) };
}

/** The verdict alone (no path in words): what the timeline records at every event. */
export function reaches(
  f: Forwarding,
  from: Endpoint,
  to: Endpoint,
  flow: TraceFlow = PING,
): boolean {
  const fwd = trace(f, from, to, false, flow);
  return fwd.ok && trace(f, to, from, false, replyOf(flow, fwd.routers)).ok;
}

export function reachMatrix(f: Forwarding): ReachMatrix {
  const paths: ReachAnswer[] = [];
  for (const a of f.net.endpoints)
    for (const b of f.net.endpoints) if (a !== b) paths.push(reachBetween(f, a, b));
  const broken = paths.filter((p) => !p.reachable).length;
  return {
    endpoints: f.net.endpoints.map((e) => ({
      label: e.label,
      address: ipText(e.address),
      network: e.network.text,
    })),
    paths,
    broken,
    total: paths.length,
  };
}
