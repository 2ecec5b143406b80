/**
 * A pair reaches iff the packet from one arrives at the other hop by hop AND the reply comes
 * back (the same judgement as the simulator's oracle, from what flatnet can read). Over all
 * ordered pairs: the reachability headline of `/vpn status`.
 */
import type { ReachSummary, ReachVerdict } from '../report/reach-report.js';
import { createReachContext, type ReachContext } from './reach-context.js';
import {
  endpointInfo,
  findEndpoint,
  findEndpoints,
  tablesOf,
  type ReachEndpoint,
} from './reach-endpoints.js';
import type { ReachState } from './reach-state.js';
import { tracePacket } from './trace-packet.js';

export function reachContext(state: ReachState): ReachContext {
  const tables = tablesOf(state);
  return createReachContext(state, tables, findEndpoints(state, tables));
}

export function judgePair(ctx: ReachContext, from: ReachEndpoint, to: ReachEndpoint): ReachVerdict {
  const base = { from: from.label, to: to.label };
  const fwd = tracePacket(ctx, from, to);
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
  const back = tracePacket(ctx, to, from);
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

/** `/vpn reach <from> <to>`: labels, names or addresses (a bad one is refused with the known ones). */
export function judgeReach(state: ReachState, from: string, to: string): ReachVerdict {
  const ctx = reachContext(state);
  const a = findEndpoint(ctx.endpoints, from);
  const b = findEndpoint(ctx.endpoints, to);
  return judgePair(ctx, a, b);
}

export function judgeAllPairs(state: ReachState): ReachVerdict[] {
  return allPairs(reachContext(state));
}

function allPairs(ctx: ReachContext): ReachVerdict[] {
  const out: ReachVerdict[] = [];
  for (const a of ctx.endpoints)
    for (const b of ctx.endpoints) if (a !== b) out.push(judgePair(ctx, a, b));
  return out;
}

/**
 * Every ordered pair, and the broken ones worst first: paths broken at a hop that breaks many
 * paths come first (one missing route is one problem, however many paths cross it).
 */
export function summarizeReach(state: ReachState): ReachSummary {
  const ctx = reachContext(state);
  const paths = allPairs(ctx);
  const broken = paths.filter((p) => !p.reachable);
  const weight = new Map<string, number>();
  for (const p of broken) weight.set(p.brokenAt ?? '', (weight.get(p.brokenAt ?? '') ?? 0) + 1);
  broken.sort(
    (x, y) =>
      (weight.get(y.brokenAt ?? '') ?? 0) - (weight.get(x.brokenAt ?? '') ?? 0) ||
      (x.brokenAt ?? '').localeCompare(y.brokenAt ?? ''),
  );
  return {
    endpoints: ctx.endpoints.map(endpointInfo),
    total: paths.length,
    broken: broken.length,
    brokenPaths: broken,
  };
}
