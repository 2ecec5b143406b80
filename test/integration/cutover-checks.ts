/** Verdicts shared by the runbooks that move traffic between routers (scale-up, failover). */
import { expect } from 'vitest';
import type { World } from '../../src/sim/world/start-world.js';
import { routedTimeline } from '../helpers/routed-paths.js';

interface SaReader {
  ipsecReport(): Promise<{ sas: { connection: string; state: string }[] }>;
}

/**
 * The connections a router has established, as `show vpn ipsec sa` lists them. VyOS prints no
 * row for an SA that is down or still installing, so "every listed SA is up" says nothing: the
 * checks compare these names with the ones established before the run.
 */
export async function establishedConnections(router: SaReader): Promise<string[]> {
  const { sas } = await router.ipsecReport();
  return sas
    .filter((sa) => sa.state === 'up')
    .map((sa) => sa.connection)
    .sort();
}

/** The connections of `expected` (read before the run) that the router has not established. */
export async function missingSas(router: SaReader, expected: string[]): Promise<string[]> {
  expect(expected.length, 'SAs were up before the run').toBeGreaterThan(0);
  const now = await establishedConnections(router);
  return expected.filter((c) => !now.includes(c));
}

/** The router has established every connection of `expected` (read before the run). */
export async function expectSasEstablished(router: SaReader, expected: string[]): Promise<void> {
  expect(await missingSas(router, expected), 'SAs missing').toEqual([]);
}

/**
 * The outage began no earlier than the Elastic IP move (the old router forwarded until then), and
 * it ended.
 */
export function expectOutageOnlyAfterEipMove(world: World, eipMovedAt: number | undefined): void {
  // Judged on the paths that worked before the runbook (the others were never routed).
  const timeline = routedTimeline(world);
  expect(eipMovedAt).toBeDefined();
  expect(timeline.outages.length).toBeGreaterThan(0);
  for (const o of timeline.outages) {
    expect(o.from).toBeGreaterThanOrEqual(eipMovedAt! - 5);
    expect(o.to).toBeDefined();
  }
  expect(timeline.paths.length).toBeGreaterThan(0);
  expect(timeline.paths.every((p) => p.forwarded)).toBe(true);
}
