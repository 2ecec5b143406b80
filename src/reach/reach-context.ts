/**
 * Indexes over the read state that every hop of a trace asks: routers by name, by public
 * address and by interface, VGWs by tunnel address, each router's connected networks.
 */
import type { ReachEndpoint, TablesOf } from './reach-endpoints.js';
import type { ReachRouter, ReachState, ReachVgw, ReachVpc } from './reach-state.js';

export interface ReachContext {
  state: ReachState;
  tables: TablesOf;
  endpoints: ReachEndpoint[];
  router(name: string): ReachRouter | undefined;
  /** The router holding a public address now (its instance's), else the inventory's. */
  routerAt(publicIp: string): ReachRouter | undefined;
  /** The router an ENI belongs to, and the interface's device index (eth N). */
  routerOfEni(eni: string): { router: ReachRouter; deviceIndex: number } | undefined;
  /** The VGW and VPN connection a tunnel outside address belongs to. */
  vgwAt(outsideIp: string): { vgw: ReachVgw; connectionId: string; up: boolean } | undefined;
  vpc(id: string): ReachVpc | undefined;
  /** The public address a router is reached at (what its peers name as remote-address). */
  publicIpOf(r: ReachRouter): string | undefined;
  /**
   * A lookup remembered for the whole judgement: the matrix asks the same router or table
   * about the same destination for every source (a 50-router fleet: 10,000 pairs).
   */
  memo<T>(key: string, compute: () => T): T;
  /**
   * The same, kept on an object of the state (a router, a route): what `memo` keeps under a
   * key built from its name, without building a string on every hop (1.7 s of the judgement
   * of 500 routers was those keys).
   */
  memoOn<T>(owner: object, what: string, compute: () => T): T;
}

export function createReachContext(
  state: ReachState,
  tables: TablesOf,
  endpoints: ReachEndpoint[],
): ReachContext {
  const byName = new Map(state.routers.map((r) => [r.name, r]));
  const publicIpOf = (r: ReachRouter) => r.instance?.publicIp ?? r.entry.elasticIp?.publicIp;
  const atIp = new Map<string, ReachRouter>();
  // The instance that holds the address now wins over the inventory's notion of it.
  for (const r of state.routers)
    if (r.entry.elasticIp && !atIp.has(r.entry.elasticIp.publicIp))
      atIp.set(r.entry.elasticIp.publicIp, r);
  for (const r of state.routers) if (r.instance?.publicIp) atIp.set(r.instance.publicIp, r);
  const enis = new Map<string, { router: ReachRouter; deviceIndex: number }>();
  for (const r of state.routers) {
    const i = r.instance;
    if (!i) continue;
    enis.set(i.networkInterfaceId, { router: r, deviceIndex: 0 });
    for (const e of i.interfaces ?? [])
      enis.set(e.networkInterfaceId, { router: r, deviceIndex: e.deviceIndex });
  }
  const tunnels = new Map<string, { vgw: ReachVgw; connectionId: string; up: boolean }>();
  for (const g of state.vgws)
    for (const c of g.connections)
      for (const t of c.tunnels)
        tunnels.set(t.outsideIp, { vgw: g, connectionId: c.id, up: t.status === 'UP' });
  const vpcs = new Map(state.vpcs.map((v) => [v.id, v]));
  const remembered = new Map<string, unknown>();
  const rememberedOn = new WeakMap<object, Map<string, unknown>>();
  return {
    memoOn<T>(owner: object, what: string, compute: () => T): T {
      let kept = rememberedOn.get(owner);
      if (!kept) rememberedOn.set(owner, (kept = new Map()));
      if (kept.has(what)) return kept.get(what) as T;
      const value = compute();
      kept.set(what, value);
      return value;
    },
    memo<T>(key: string, compute: () => T): T {
      if (remembered.has(key)) return remembered.get(key) as T;
      const value = compute();
      remembered.set(key, value);
      return value;
    },
    state,
    tables,
    endpoints,
    router: (n) => byName.get(n),
    routerAt: (ip) => atIp.get(ip),
    routerOfEni: (eni) => enis.get(eni),
    vgwAt: (ip) => tunnels.get(ip),
    vpc: (id) => vpcs.get(id),
    publicIpOf,
  };
}
