/**
 * A pair reaches iff the packet from one arrives at the other hop by hop AND the reply comes
 * back (the same judgement as the simulator's oracle, from what flatnet can read). Over all
 * ordered pairs: the reachability headline of `/vpn status`.
 */
import type { BrokenHop, ReachSummary, ReachVerdict } from '../report/reach-report.js';
import { createReachContext, type ReachContext } from './reach-context.js';
import { findEndpoint, findEndpoints, tablesOf, type ReachEndpoint } from './reach-endpoints.js';
import type { ReachState } from './reach-state.js';
import { tracePacket } from './trace-packet.js';
import type { ReachPort } from '../grammar/command.js';

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
  const base = { from: from.label, to: to.label };
  const fwd = tracePacket(ctx, from, to, withPath, 'new', port);
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
  if (!back.ok) {
    const b = back.broken!;
    return {
      ...base,
      reachable: false,
      path: [...fwd.hops, ...back.hops],
      direction: 'return',
      brokenAt: b.at,
      reason: `the reply from ${to.label} does not come back: ${b.reason}`,
      fix: b.fix,
      ...(b.unknown ? { unknown: true } : {}),
      ...upTo(back.judgedUpTo),
    };
  }
  return { ...base, reachable: true, path: [...fwd.hops, ...back.hops], ...upTo(back.judgedUpTo) };
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
  return allPairs(reachContext(state));
}

function allPairs(ctx: ReachContext, withPath = true): ReachVerdict[] {
  const out: ReachVerdict[] = [];
  for (const a of ctx.endpoints)
    for (const b of ctx.endpoints) if (a !== b) out.push(judgePair(ctx, a, b, withPath));
  return out;
}

/** Paths listed per broken hop in the report (the count says how many more). */
const PATHS_PER_HOP = 6;

/**
 * Every ordered pair, the broken ones grouped by the hop that breaks them, the hop that breaks
 * the most first (one missing route is one problem, however many paths cross it).
 */
export function summarizeReach(state: ReachState): ReachSummary {
  const ctx = reachContext(state);
  // The summary keeps verdicts, reasons and fixes, not the hops in words.
  return summarizeVerdicts(ctx, allPairs(ctx, false));
}

/**
 * The same summary, judged a source at a time, giving the event loop back between slices of
 * `sliceMs`. Every ordered pair is n² (980,000 at 500 routers): judged in one go, it held a
 * worker's loop long enough for BullMQ to lose the status job's lock and fail it as stalled.
 */
export async function summarizeReachInSlices(
  state: ReachState,
  sliceMs = 25,
): Promise<ReachSummary> {
  const ctx = reachContext(state);
  const paths: ReachVerdict[] = [];
  let sliceStart = performance.now();
  for (const a of ctx.endpoints) {
    for (const b of ctx.endpoints) if (a !== b) paths.push(judgePair(ctx, a, b, false));
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return summarizeVerdicts(ctx, paths);
}

function summarizeVerdicts(ctx: ReachContext, paths: ReachVerdict[]): ReachSummary {
  const hops = new Map<string, BrokenHop>();
  let broken = 0;
  for (const p of paths) {
    if (p.reachable) continue;
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
    if (hop.paths.length < PATHS_PER_HOP) hop.paths.push(`${p.from} → ${p.to}`);
  }
  return {
    networks: ctx.endpoints.length,
    total: paths.length,
    broken,
    hops: [...hops.values()].sort((a, b) => b.count - a.count || a.at.localeCompare(b.at)),
  };
}
