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

/** A route as shown, but for its age: that is read at each `show ip route`. */
interface AgelessRoute {
  route: Omit<IpRouteState, 'ageSeconds'>;
  /** The peer whose SA carries the route's VTI: the route is as old as that SA. */
  tunnel?: string;
}

function agelessRoute(e: RibEntry, selected: boolean): AgelessRoute {
  const via = e.via;
  const iface = 'iface' in via ? via.iface : undefined;
  const tunnel = via.kind === 'vti' ? { tunnel: via.peer } : {};
  const common = { prefix: e.prefix.text, selected, metric: 0 };
  if (e.source === 'connected')
    return {
      route: { ...common, protocol: 'connected', distance: 0, ...(iface ? { iface } : {}) },
      ...tunnel,
    };
  const nextHop =
    e.nextHop ??
    (via.kind === 'leg' && via.nextHop !== undefined ? ipText(via.nextHop) : undefined);
  const hop = {
    ...(iface ? { iface } : {}),
    ...(nextHop ? { nextHop } : {}),
    ...(via.kind === 'blackhole' ? { blackhole: true } : {}),
  };
  if (e.source === 'failover')
    return {
      route: { ...common, ...hop, protocol: 'kernel', distance: 0, metric: e.metric ?? 1 },
      ...tunnel,
    };
  const protocol = e.source === 'bgp' ? 'bgp' : 'static';
  return { route: { ...common, ...hop, protocol, distance: e.distance }, ...tunnel };
}

/**
 * Each router's routes but for their ages, worked out once per forwarding state: the world
 * builds a new Forwarding whenever anything changes (so a change is never shown late), and a
 * status read of 50 routers asks for all of them.
 */
const routesOf = new WeakMap<Forwarding, Map<string, AgelessRoute[]>>();

export function routerIpRoutes(f: Forwarding, routerId: string, ages: RouteAges): IpRouteState[] {
  const r = f.net.routers.find((x) => x.id === routerId);
  if (!r || !r.up) return [];
  let known = routesOf.get(f);
  if (!known) routesOf.set(f, (known = new Map()));
  let routes = known.get(routerId);
  if (!routes) {
    const key = (e: RibEntry) => `${e.prefix.text} ${e.source} ${e.distance} ${e.describe}`;
    const selected = new Set((f.ribs.get(r.id) ?? []).map(key));
    routes = candidateRib(baseRib(f.net, r), f.bgp.best.get(r.id)).map((e) =>
      agelessRoute(e, selected.has(key(e))),
    );
    known.set(routerId, routes);
  }
  const routerAge = ages.router();
  const tunnelAges = new Map<string, number | undefined>();
  const tunnelAge = (peer: string) => {
    if (!tunnelAges.has(peer)) tunnelAges.set(peer, ages.tunnel(peer));
    return tunnelAges.get(peer);
  };
  return routes.map(({ route, tunnel }) => ({
    ...route,
    ageSeconds: (tunnel !== undefined ? tunnelAge(tunnel) : undefined) ?? routerAge,
  }));
}
