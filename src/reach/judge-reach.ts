/**
 * A pair reaches iff the packet from one arrives at the other hop by hop AND the reply comes
 * back (the same judgement as the simulator's oracle, from what flatnet can read). Over all
 * ordered pairs: the reachability headline of `/vpn status`.
 */
import type { BrokenHop, ReachSummary, ReachVerdict } from '../report/reach-report.js';
import { createReachContext, type ReachContext } from './reach-context.js';
import { findEndpoint, findEndpoints, tablesOf, type ReachEndpoint } from './reach-endpoints.js';
import type { ReachState } from './reach-state.js';
import { tracePacket, type Broken, type Trace } from './trace-packet.js';
import { readZoneFirewall } from './zone-firewall.js';
import type { ReachPort } from '../grammar/command.js';
import { forEachInSlices, sliceLoop, type LoopSlicer } from '../util/give-back-loop.js';
import { readRouterTables, type RouterTables } from './router-tables.js';
import { indexRouterRoutes } from './step-router.js';
import { indexVpcRoutes } from './step-vpc.js';

export function reachContext(state: ReachState): ReachContext {
  const tables = tablesOf(state);
  return createReachContext(state, tables, findEndpoints(state, tables));
}

export function judgePair(
  ctx: ReachContext,
  from: ReachEndpoint,
  to: ReachEndpoint,
  withPath = true,
  port?: ReachPort,
): ReachVerdict {
  const fwd = tracePacket(ctx, from, to, withPath, 'new', port);
  if (!fwd.ok) return verdictOf(from, to, fwd);
  // The reply is `established` only on the routers its request passed (conntrack is per router).
  const back = tracePacket(
    ctx,
    to,
    from,
    withPath,
    'established',
    port && { ...port, port: 0 },
    new Set(fwd.routers),
  );
  return verdictOf(from, to, fwd, back);
}

const replyReason = (to: ReachEndpoint, b: Broken) =>
  `the reply from ${to.label} does not come back: ${b.reason}`;

/** The verdict of a pair from its forward trace and, when that arrived, its reply's. */
function verdictOf(from: ReachEndpoint, to: ReachEndpoint, fwd: Trace, back?: Trace): ReachVerdict {
  const base = { from: from.label, to: to.label };
  const upTo = (more: string[] = []) => {
    const all = [...new Set([...fwd.judgedUpTo, ...more])];
    return all.length > 0 ? { judgedUpTo: all } : {};
  };
  if (!fwd.ok) {
    const b = fwd.broken!;
    return {
      ...base,
      reachable: false,
      path: fwd.hops,
      direction: 'forward',
      brokenAt: b.at,
      reason: b.reason,
      fix: b.fix,
      ...(b.unknown ? { unknown: true } : {}),
      ...upTo(),
    };
  }
  if (!back!.ok) {
    const b = back!.broken!;
    return {
      ...base,
      reachable: false,
      path: [...fwd.hops, ...back!.hops],
      direction: 'return',
      brokenAt: b.at,
      reason: replyReason(to, b),
      fix: b.fix,
      ...(b.unknown ? { unknown: true } : {}),
      ...upTo(back!.judgedUpTo),
    };
  }
  return {
    ...base,
    reachable: true,
    path: [...fwd.hops, ...back!.hops],
    ...upTo(back!.judgedUpTo),
  };
}

/**
 * `/vpn reach <from> <to>`: labels, names or addresses (a bad one is refused with the known ones).
 */
/** `port`: the connection tried (`tcp/22`); a ping when absent. */
export function judgeReach(
  state: ReachState,
  from: string,
  to: string,
  port?: ReachPort,
): ReachVerdict {
  const ctx = reachContext(state);
  const a = findEndpoint(ctx.endpoints, from);
  const b = findEndpoint(ctx.endpoints, to);
  return judgePair(ctx, a, b, true, port);
}

export function judgeAllPairs(state: ReachState): ReachVerdict[] {
  return [...allPairs(reachContext(state))];
}

/** Every ordered pair, in the order the summary lists them: by source, then destination. */
function* allPairs(ctx: ReachContext, withPath = true): Generator<ReachVerdict> {
  for (const a of ctx.endpoints)
    for (const b of ctx.endpoints) if (a !== b) yield judgePair(ctx, a, b, withPath);
}

/** Paths listed per broken hop in the report (the count says how many more). */
const PATHS_PER_HOP = 6;

/**
 * Every ordered pair, the broken ones grouped by the hop that breaks them, the hop that breaks
 * the most first (one missing route is one problem, however many paths cross it).
 */
export function summarizeReach(state: ReachState): ReachSummary {
  const ctx = reachContext(state);
  const summary = foldVerdicts(ctx.endpoints.length);
  // The summary keeps verdicts, reasons and fixes, not the hops in words.
  for (const verdict of allPairs(ctx, false)) summary.add(verdict);
  return summary.result();
}

/**
 * The same summary, giving the event loop back whenever a slice has run `sliceMs`: every
 * ordered pair is n² (980,000 at 500 routers, a minute of CPU), and a worker's loop held for
 * seconds loses the status job's BullMQ lock (docs/performance.md). The context is built a
 * router at a time too, with each route table's index built before the first trace asks for
 * it (the first source reaches every router: 500 indexes in one slice, otherwise), and no
 * verdict is kept past its count (980,000 of them were a GB of heap, and its collections
 * held the loop for seconds).
 */
export async function summarizeReachInSlices(
  state: ReachState,
  sliceMs = 25,
): Promise<ReachSummary> {
  const slicer = sliceLoop(sliceMs);
  const ctx = await reachContextInSlices(state, slicer);
  const summary = foldVerdicts(ctx.endpoints.length);
  const replyIsTrace = await noZoneFirewall(state, slicer);
  const { endpoints } = ctx;
  const n = endpoints.length;
  // Pairs judged ahead (b → a while judging a → b), kept only when broken: none is reachable.
  const ahead = new Map<number, Judged>();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = endpoints[i]!;
      const b = endpoints[j]!;
      if (!replyIsTrace) summary.add(judgePair(ctx, a, b, false));
      else if (j < i) {
        summary.add(ahead.get(i * n + j) ?? { reachable: true });
        ahead.delete(i * n + j);
      } else {
        // Without a zone firewall a reply is judged as any packet b → a (the state a packet
        // opens or belongs to is read by the firewall alone): each trace serves both pairs.
        const there = tracePacket(ctx, a, b, false);
        const back = tracePacket(ctx, b, a, false);
        summary.add(judgedOf(a, b, there, back));
        const theirs = judgedOf(b, a, back, there);
        if (!theirs.reachable) ahead.set(j * n + i, theirs);
      }
      if (slicer.due()) await slicer.giveBack();
    }
  return summary.result();
}

/** What the summary keeps of a verdict. */
type Judged = Pick<ReachVerdict, 'reachable'> &
  Partial<Pick<ReachVerdict, 'from' | 'to' | 'brokenAt' | 'reason' | 'fix'>>;

/** What `verdictOf` says of a pair, without the hops and far sides the summary does not keep. */
function judgedOf(from: ReachEndpoint, to: ReachEndpoint, fwd: Trace, back: Trace): Judged {
  const b = fwd.ok ? back.broken : fwd.broken;
  if (!b) return { reachable: true };
  return {
    reachable: false,
    from: from.label,
    to: to.label,
    brokenAt: b.at,
    reason: fwd.ok ? replyReason(to, b) : b.reason,
    fix: b.fix,
  };
}

/** No router read has a zone firewall (the only reader of a packet's connection state). */
async function noZoneFirewall(state: ReachState, slicer: LoopSlicer): Promise<boolean> {
  let none = true;
  await forEachInSlices(state.routers, slicer, (r) => {
    if (none && r.reading && readZoneFirewall(r.reading.config)) none = false;
  });
  return none;
}

async function reachContextInSlices(state: ReachState, slicer: LoopSlicer): Promise<ReachContext> {
  const tables = new Map<string, RouterTables | undefined>();
  await forEachInSlices(state.routers, slicer, (r) => {
    tables.set(r.name, r.reading && readRouterTables(r.reading));
    if (r.reading) indexRouterRoutes(r.reading);
  });
  await forEachInSlices(state.vpcs, slicer, (v) => v.table && indexVpcRoutes(v.table));
  const tablesOf = (name: string) => tables.get(name);
  return createReachContext(state, tablesOf, findEndpoints(state, tablesOf));
}

/** The summary of verdicts given in order: counts per broken hop, the first paths of each. */
function foldVerdicts(networks: number): { add(v: Judged): void; result(): ReachSummary } {
  const hops = new Map<string, BrokenHop>();
  let total = 0;
  let broken = 0;
  return {
    add(p) {
      total++;
      if (p.reachable) return;
      broken++;
      const at = p.brokenAt ?? '?';
      let hop = hops.get(at);
      if (!hop)
        hops.set(
          at,
          (hop = {
            at,
            count: 0,
            reason: p.reason ?? '',
            ...(p.fix ? { fix: p.fix } : {}),
            paths: [],
          }),
        );
      hop.count++;
      if (hop.paths.length < PATHS_PER_HOP) hop.paths.push(`${p.from ?? ''} → ${p.to ?? ''}`);
    },
    result: () => ({
      networks,
      total,
      broken,
      hops: [...hops.values()].sort((a, b) => b.count - a.count || a.at.localeCompare(b.at)),
    }),
  };
}
