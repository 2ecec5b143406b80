/**
 * The simulator's reachability matrix as tests judge it: which paths work, which stopped
 * working, and whether one endpoint reaches every other one both ways. The verdicts come from
 * the world's oracle (GET /reach/matrix), which reads only the simulated world.
 */
import { expect } from 'vitest';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';

export const working = (m: ReachMatrix): Set<string> =>
  new Set(m.paths.filter((p) => p.reachable).map((p) => `${p.from} → ${p.to}`));

/**
 * Every path that worked before works after (named, with the oracle's reason, when one did not).
 */
export function expectNothingLost(before: ReachMatrix, after: ReachMatrix): void {
  const now = working(after);
  const lost = [...working(before)]
    .filter((p) => !now.has(p))
    .map((p) => {
      const answer = after.paths.find((a) => `${a.from} → ${a.to}` === p);
      return `${p}: ${answer?.reason ?? 'no longer judged'}`;
    });
  expect(lost, 'paths that worked before and no longer do').toEqual([]);
}

/**
 * `label` reaches every other endpoint and every other endpoint reaches it (both directions
 * checked).
 */
export function expectReachesAll(m: ReachMatrix, label: string): void {
  expect(
    m.endpoints.map((e) => e.label),
    `${label} is an endpoint of the matrix`,
  ).toContain(label);
  const broken = m.paths
    .filter((p) => (p.from === label || p.to === label) && !p.reachable)
    .map((p) => `${p.from} → ${p.to}: ${p.reason ?? '?'}`);
  expect(broken, `paths to and from ${label} that do not work`).toEqual([]);
}

/** "140/210" for reports and messages. */
export const score = (m: ReachMatrix): string => `${m.total - m.broken}/${m.total}`;
