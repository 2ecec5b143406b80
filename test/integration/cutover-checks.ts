/** Verdicts shared by the runbooks that move traffic between routers (scale-up, failover). */
import { expect } from 'vitest';
import type { World } from '../../src/sim/world/start-world.js';
import { routedTimeline } from '../helpers/routed-paths.js';

/** The router reports every IPsec SA it has as up (and it has some). */
export async function expectAllSasUp(router: {
  ipsecReport(): Promise<{ sas: { state: string }[] }>;
}): Promise<void> {
  const { sas } = await router.ipsecReport();
  expect(sas.length).toBeGreaterThan(0);
  expect(sas.every((sa) => sa.state === 'up')).toBe(true);
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
