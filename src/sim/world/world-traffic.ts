/**
 * Traffic in the simulated world: offered load (bit/s) from one endpoint to another, carried
 * along the path the reachability oracle follows, through every egress shaper on it. Each
 * router's kernel counters (src/sim/vyos/shaper-counters.ts) see what reaches its shaped
 * interfaces; what flatnet reads from them is `tc -s class show`, never this.
 *
 * The path is followed again whenever the world is judged again (a commit, a route change, a
 * router down), so traffic moves with the routing. Simplifications, said here: a path that
 * does not arrive carries nothing (not even up to the hop that breaks it), and the load a
 * shaper passes on downstream is the lower of what was offered and that shaper's limit for the
 * packet, whatever else shares it.
 */
import { findEndpoint, buildForwarding } from './reach/oracle.js';
import { ipText } from './reach/ipv4.js';
import { PING, trace, type TraceFlow } from './reach/trace.js';
import type { OfferedFlow } from '../vyos/shaper-counters.js';
import type { WorldModel } from './world-model.js';

export interface TrafficLoad {
  from: string;
  to: string;
  bits: number;
  flow: TraceFlow;
}

/** What a load does now: the shapers it goes through, or why it goes nowhere. */
export interface TrafficAnswer {
  from: string;
  to: string;
  bits: number;
  /** `spoke-virginia eth1 at most 200000000 bit/s`, in path order. */
  shapedAt: string[];
  /** Set when the load does not arrive (then no shaper carries it). */
  goesNowhere?: string;
}

/** Where the traffic goes: a router's shaper counters, by instance id. */
export interface TrafficRouter {
  instanceId: string;
  name: string;
  offer(iface: string, flows: OfferedFlow[]): void;
}

export class WorldTraffic {
  private readonly loads = new Map<string, TrafficLoad>();
  /** `instanceId iface` given traffic last time: told it has none when that stops. */
  private offered = new Set<string>();

  constructor(
    private readonly model: WorldModel,
    private readonly routers: () => TrafficRouter[],
  ) {}

  /**
   * Offer `bits` from `from` to `to` (endpoint labels or addresses), replacing what that pair
   * offered before; 0 takes it away. An error when either names no endpoint.
   */
  offer(from: string, to: string, bits: number, flow: TraceFlow = PING): TrafficAnswer {
    const net = this.model.network();
    const known = () => net.endpoints.map((e) => e.label).join(', ');
    if (!findEndpoint(net, from)) throw new Error(`no endpoint ${from} (known: ${known()})`);
    if (!findEndpoint(net, to)) throw new Error(`no endpoint ${to} (known: ${known()})`);
    if (!Number.isFinite(bits) || bits < 0)
      throw new Error(`bits ${String(bits)} is not a rate: give bit/s, 0 to stop`);
    const key = `${from} → ${to}`;
    if (bits === 0) this.loads.delete(key);
    else this.loads.set(key, { from, to, bits, flow });
    return (
      this.apply().find((a) => a.from === from && a.to === to) ?? {
        from,
        to,
        bits: 0,
        shapedAt: [],
      }
    );
  }

  /** Every load and what it does now. */
  list(): TrafficAnswer[] {
    return this.apply();
  }

  /** Follow every load again and give each router's shapers what reaches them. */
  apply(): TrafficAnswer[] {
    if (this.loads.size === 0 && this.offered.size === 0) return [];
    const net = this.model.network();
    const f = buildForwarding(net);
    const byRouter = new Map<string, Map<string, OfferedFlow[]>>();
    const answers: TrafficAnswer[] = [];
    for (const load of this.loads.values()) {
      const a = findEndpoint(net, load.from);
      const b = findEndpoint(net, load.to);
      const answer: TrafficAnswer = { from: load.from, to: load.to, bits: load.bits, shapedAt: [] };
      answers.push(answer);
      if (!a || !b) {
        answer.goesNowhere = 'an endpoint is gone';
        continue;
      }
      const t = trace(f, a, b, false, load.flow);
      if (!t.ok) {
        answer.goesNowhere = t.reason ?? 'it does not arrive';
        continue;
      }
      let bits = load.bits;
      for (const c of t.shaped ?? []) {
        const ifaces = byRouter.get(c.routerId) ?? new Map<string, OfferedFlow[]>();
        byRouter.set(c.routerId, ifaces);
        ifaces.set(c.iface, [...(ifaces.get(c.iface) ?? []), { dst: ipText(b.address), bits }]);
        const name = net.routers.find((r) => r.id === c.routerId)?.name ?? c.routerId;
        answer.shapedAt.push(`${name} ${c.iface} at most ${c.bits} bit/s`);
        bits = Math.min(bits, c.bits);
      }
    }
    const now = new Set<string>();
    for (const router of this.routers()) {
      for (const [iface, flows] of byRouter.get(router.instanceId) ?? []) {
        router.offer(iface, flows);
        now.add(`${router.instanceId} ${iface}`);
      }
      for (const key of this.offered) {
        const [id, iface] = key.split(' ');
        if (id === router.instanceId && iface && !now.has(key)) router.offer(iface, []);
      }
    }
    this.offered = now;
    return answers;
  }
}
