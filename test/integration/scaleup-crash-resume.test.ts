import { describe, expect, it } from 'vitest';
import { OwnershipLostError } from '../../src/runbook/engine-core.js';
import { SCALE_STEP_IDS } from '../../src/scaleup/scale-steps.js';
import { crashAfterActionThenResume, type Resumed } from './crash-after-action.js';
import { HUB, hubState, startScaleBench } from './scaleup-harness.js';

const EXECUTE_STEPS = SCALE_STEP_IDS.filter((id) => id !== 'load-facts');

/**
 * For every step boundary: the worker "dies" right after the step's side effect and before
 * its result is saved (the worst moment: the world changed, the record does not know). It is
 * closed without waiting; another worker with its own engine resumes the run. The run must
 * complete with exactly one instance launched and the Elastic IP and routes on it; the dead
 * worker, when it wakes, must change nothing.
 */
describe('scale-up crash and resume', () => {
  it.concurrent.each(EXECUTE_STEPS)(
    'a worker dies right after the action of %s: the ' +
      'run completes, one instance, EIP and routes on it',
    async (stepId) => {
      const bench = await startScaleBench();
      let resumed: Resumed | undefined;
      try {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
        const routesBefore = hubState(world, oldId).routeTargets.filter((r) => r.eni === oldEni);
        let launches = 0;
        world.state.on('request', (r) => {
          if (r.action === 'RunInstances' && r.status === 200) launches++;
        });

        resumed = await crashAfterActionThenResume(bench, stepId);
        const { run, survivor } = resumed;
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');

        const after = hubState(world, oldId);
        expect(after.launched).toHaveLength(1);
        expect(launches).toBe(1);
        const fresh = after.launched[0]!;
        expect(fresh.state).toBe('running');
        expect(after.address.networkInterfaceId).toBe(fresh.networkInterfaceId);
        for (const r of routesBefore)
          expect(
            after.routeTargets.find((t) => t.table === r.table && t.destination === r.destination)
              ?.eni,
          ).toBe(fresh.networkInterfaceId);
        expect(['stopping', 'stopped']).toContain(after.old.state);
        expect(after.old.tags['flatnet:replaced-by']).toBe(run.id);

        // The paused worker wakes: refused by the fence, it records nothing and acts on nothing.
        expect(await resumed.wakeStaleWorker()).toBeInstanceOf(OwnershipLostError);
        expect((await survivor.get(run.id))?.status).toBe('succeeded');
        expect(hubState(world, oldId).launched).toHaveLength(1);
      } finally {
        await resumed?.wakeStaleWorker();
        await bench.cleanup();
      }
    },
  );
});
