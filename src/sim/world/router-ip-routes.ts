/**
 * A router's zebra RIB as `show ip route` shows it, from the same routing table the
 * reachability oracle forwards by (src/sim/world/reach/rib.ts): every candidate route, the
 * selected one per prefix marked. `protocols failover` routes are kernel routes to FRR
 * (vyos-1x's failover service adds them with `ip route`, proto failover), so they show as `K`.
 */
import type { IpRouteState } from '../vyos/live-state.js';
import { ipText } from './reach/ipv4.js';
import { baseRib, candidateRib, type RibEntry } from './reach/rib.js';
import type { Forwarding } from './reach/trace.js';

export interface RouteAges {
  router(): number;
  /** Seconds the SA under a VTI has been up. */
  tunnel(peer: string): number | undefined;
}

function toRouteState(e: RibEntry, selected: boolean, ages: RouteAges): IpRouteState {
  const via = e.via;
  const iface = 'iface' in via ? via.iface : undefined;
  const age = (via.kind === 'vti' ? ages.tunnel(via.peer) : undefined) ?? ages.router();
  const common = { prefix: e.prefix.text, selected, ageSeconds: age, metric: 0 };
  if (e.source === 'connected')
    return { ...common, protocol: 'connected', distance: 0, ...(iface ? { iface } : {}) };
  const nextHop =
    e.nextHop ??
    (via.kind === 'leg' && via.nextHop !== undefined ? ipText(via.nextHop) : undefined);
  const hop = {
    ...(iface ? { iface } : {}),
    ...(nextHop ? { nextHop } : {}),
    ...(via.kind === 'blackhole' ? { blackhole: true } : {}),
  };
  if (e.source === 'failover')
    return { ...common, ...hop, protocol: 'kernel', distance: 0, metric: e.metric ?? 1 };
  return {
    ...common,
    ...hop,
    protocol: e.source === 'bgp' ? 'bgp' : 'static',
    distance: e.distance,
  };
}

/**
 * Each router's candidate routes, worked out once per forwarding state: the world builds a new
 * Forwarding whenever anything changes, and a status read of 50 routers asks for all of them.
 */
const candidatesOf = new WeakMap<Forwarding, Map<string, { e: RibEntry; selected: boolean }[]>>();

export function routerIpRoutes(f: Forwarding, routerId: string, ages: RouteAges): IpRouteState[] {
  const r = f.net.routers.find((x) => x.id === routerId);
  if (!r || !r.up) return [];
  let known = candidatesOf.get(f);
  if (!known) candidatesOf.set(f, (known = new Map()));
  let rib = known.get(routerId);
  if (!rib) {
    const key = (e: RibEntry) => `${e.prefix.text} ${e.source} ${e.distance} ${e.describe}`;
    const selected = new Set((f.ribs.get(r.id) ?? []).map(key));
    rib = candidateRib(baseRib(f.net, r), f.bgp.best.get(r.id)).map((e) => ({
      e,
      selected: selected.has(key(e)),
    }));
    known.set(routerId, rib);
  }
  return rib.map(({ e, selected }) => toRouteState(e, selected, ages));
}
