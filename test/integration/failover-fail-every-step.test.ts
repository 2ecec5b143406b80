import { describe, expect, it } from 'vitest';
import { FAILOVER_STEP_IDS } from '../../src/failover/failover-steps.js';
import {
  establishedSas,
  everyVpcForwarded,
  pairState,
  sasEstablishedAgain,
  startFailoverBench,
} from './failover-harness.js';

/**
 * DESIGN rule 5: a runbook that cannot finish leaves the network forwarding. Each execute
 * step fails right after its change; the engine undoes the cutover, every VPC ends forwarded
 * by the primary again, nothing was stopped, and the run says what it did.
 */
describe('failover failing at each step', () => {
  it.concurrent.each(FAILOVER_STEP_IDS)(
    'a failure right after %s moves everything back to the primary',
    async (failAt) => {
      const bench = await startFailoverBench({
        async afterStep(stepId) {
          if (stepId === failAt) throw new Error(`injected failure after ${stepId}`);
        },
      });
      try {
        const { world } = bench;
        const before = pairState(world);
        const sasBefore = await establishedSas(bench);
        const primaryEni = before.primary.networkInterfaceId;
        const hubRoutes = before.routesTo(primaryEni).length;
        let stops = 0;
        world.state.on('request', (r) => {
          if (r.action === 'StopInstances' || r.action === 'TerminateInstances') stops++;
        });
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.status).toBe('rolled-back');
        expect(run.steps.find((s) => s.id === failAt)?.status).toBe('failed');
        expect(run.outcome, 'the thread must say what state remains').toMatch(/Undid|was undone/);
        const after = pairState(world);
        expect(after.eipHolder).toBe(primaryEni);
        expect(after.routesTo(primaryEni)).toHaveLength(hubRoutes);
        await everyVpcForwarded(world);
        await sasEstablishedAgain(bench, sasBefore);
        expect(stops).toBe(0);
      } finally {
        await bench.cleanup();
      }
    },
  );
});
