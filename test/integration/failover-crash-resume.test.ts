import { describe, expect, it } from 'vitest';
import { FAILOVER_STEP_IDS } from '../../src/failover/failover-facts.js';
import { OwnershipLostError } from '../../src/runbook/engine-core.js';
import { everyVpcForwarded, pairState, startFailoverBench } from './failover-harness.js';

/**
 * For every execute step: the worker "dies" right after the step's side effect and before its
 * result is saved (the world changed, the record does not know). It is closed without waiting;
 * another worker with its own engine resumes the run, which must complete with the Elastic IP
 * and the routes on the standby, one association, and the dead worker changing nothing when
 * it wakes.
 */
describe('failover crash and resume', () => {
  it.concurrent.each(FAILOVER_STEP_IDS)('a worker dies right after the action of %s: the run completes on the standby', async (stepId) => {
    let reached!: () => void;
    let release!: () => void;
    const hangReached = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const bench = await startFailoverBench();
    try {
      const { world } = bench;
      const before = pairState(world);
      const hubRoutes = before.routesTo(before.primary.networkInterfaceId).length;
      let associations = 0;
      world.state.on('request', (r) => {
        if (r.action === 'AssociateAddress' && r.status === 200) associations++;
      });

      const dying = bench.newEngine({
        async afterAction(id) {
          if (id !== stepId) return;
          reached();
          await released;
          throw new Error('the paused worker wakes up');
        },
      });
      const stale: Promise<void>[] = [];
      const workerA = bench.startWorker(dying, (_runId, process) => {
        const work = process();
        stale.push(work);
        return work;
      });
      const { id } = await bench.submit();
      await hangReached;
      await workerA.close(true);

      const survivor = bench.newEngine();
      bench.startWorker(survivor);
      const run = await bench.finished(id, survivor);
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      const after = pairState(world);
      expect(after.eipHolder).toBe(before.standby.networkInterfaceId);
      expect(after.routesTo(before.standby.networkInterfaceId)).toHaveLength(hubRoutes);
      // Resumed, the move checks the world first: the Elastic IP moved once.
      expect(associations).toBe(1);
      await everyVpcForwarded(world);

      // The paused worker wakes: refused by the fence, it records nothing and moves nothing.
      release();
      const settled = await Promise.allSettled(stale);
      const refused = settled.find((s) => s.status === 'rejected');
      expect(refused && refused.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(OwnershipLostError);
      expect((await survivor.get(id))?.status).toBe('succeeded');
      expect(pairState(world).eipHolder).toBe(before.standby.networkInterfaceId);
    } finally {
      release();
      await bench.cleanup();
    }
  });
});
