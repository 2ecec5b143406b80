import { describe, expect, it } from 'vitest';
import { FAILOVER_STEP_IDS } from '../../src/failover/failover-steps.js';
import { OwnershipLostError } from '../../src/runbook/engine-core.js';
import { crashAfterActionThenResume, type Resumed } from './crash-after-action.js';
import { everyVpcForwarded, pairState, startFailoverBench } from './failover-harness.js';

/**
 * For every execute step: the worker "dies" right after the step's side effect and before its
 * result is saved (the world changed, the record does not know). It is closed without waiting;
 * another worker with its own engine resumes the run, which must complete with the Elastic IP
 * and the routes on the standby, one association, and the dead worker changing nothing when
 * it wakes.
 */
describe('failover crash and resume', () => {
  it.concurrent.each(FAILOVER_STEP_IDS)(
    'a worker dies right after the action of %s: the run completes on the standby',
    async (stepId) => {
      const bench = await startFailoverBench();
      let resumed: Resumed | undefined;
      try {
        const { world } = bench;
        const before = pairState(world);
        const hubRoutes = before.routesTo(before.primary.networkInterfaceId).length;
        let associations = 0;
        world.state.on('request', (r) => {
          if (r.action === 'AssociateAddress' && r.status === 200) associations++;
        });

        resumed = await crashAfterActionThenResume(bench, stepId);
        const { run, survivor } = resumed;
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        const after = pairState(world);
        expect(after.eipHolder).toBe(before.standby.networkInterfaceId);
        expect(after.routesTo(before.standby.networkInterfaceId)).toHaveLength(hubRoutes);
        // Resumed, the move checks the world first: the Elastic IP moved once.
        expect(associations).toBe(1);
        await everyVpcForwarded(world);

        // The paused worker wakes: refused by the fence, it records nothing and moves nothing.
        expect(await resumed.wakeStaleWorker()).toBeInstanceOf(OwnershipLostError);
        expect((await survivor.get(run.id))?.status).toBe('succeeded');
        expect(pairState(world).eipHolder).toBe(before.standby.networkInterfaceId);
      } finally {
        await resumed?.wakeStaleWorker();
        await bench.cleanup();
      }
    },
  );
});
