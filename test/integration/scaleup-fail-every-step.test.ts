import { describe, expect, it } from 'vitest';
import { FlatnetError } from '../../src/errors.js';
import { waitFor } from './runbook-harness.js';
import { HUB, hubState, startScaleBench } from './scaleup-harness.js';
import { routedTimeline } from '../helpers/routed-paths.js';

/** The steps that change the world, and so may fail after doing so. */
const MUTATING = [
  'launch',
  'disable-source-dest-check',
  'copy-config',
  'move-elastic-ip',
  'repoint-routes',
  'bring-tunnels-up',
  'stop-old-router',
] as const;

/**
 * DESIGN rule 5: a runbook that cannot finish leaves the network forwarding. For each step
 * that changes something, the step fails right after its change: whatever the engine then
 * does (undo, or stop where undo is the greater risk), every VPC ends forwarded by some
 * router, nothing was terminated, and the run says what it left.
 */
describe('scale-up failing at each mutating step', () => {
  it.concurrent.each(MUTATING)(
    'a failure right after %s leaves every VPC forwarded and says what state remains',
    async (failAt) => {
      const bench = await startScaleBench({
        async afterStep(stepId) {
          if (stepId === failAt) throw new Error(`injected failure after ${stepId}`);
        },
      });
      try {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        let terminations = 0;
        world.state.on('request', (r) => {
          if (r.action === 'TerminateInstances') terminations++;
        });
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(['rolled-back', 'failed']).toContain(run.status);
        expect(run.steps.find((s) => s.id === failAt)?.status).toBe('failed');
        expect(run.outcome, 'the thread must say what state remains').toBeTruthy();
        await waitFor(
          'every VPC to be forwarded again',
          () => Promise.resolve(routedTimeline(world).paths.every((p) => p.forwarded)),
          20_000,
        );
        expect(terminations).toBe(0);

        const after = hubState(world, oldId);
        if (failAt === 'stop-old-router') {
          // The cutover was verified before the stop: it stays, on the new router.
          expect(run.status).toBe('failed');
          expect(after.launched[0]?.state).toBe('running');
        } else {
          // Undone: the old router forwards, any new instance is stopped, not terminated.
          expect(run.status).toBe('rolled-back');
          expect(after.old.state).toBe('running');
          for (const fresh of after.launched)
            expect(['stopping', 'stopped']).toContain(fresh.state);
        }
      } finally {
        await bench.cleanup();
      }
    },
  );

  it(
    'two concurrent scale-ups of one router: one ' +
      'runs, the other is refused with the holder named',
    async () => {
      const bench = await startScaleBench();
      try {
        bench.startWorker();
        const first = await bench.submit();
        await waitFor(
          'the first run to hold the router',
          async () => (await bench.engine.whoHolds(HUB))?.runId === first.id,
          20_000,
        );
        const second = await bench.submit().catch((err: unknown) => err);
        expect(second).toBeInstanceOf(FlatnetError);
        expect((second as FlatnetError).code).toBe('LOCKED');
        expect((second as FlatnetError).message).toContain(`hub-tokyo-a is busy: ${first.id}`);
        const done = await bench.finished(first.id);
        expect(done.status).toBe('succeeded');
        expect(
          hubState(bench.world, bench.world.router(HUB).instanceId).launched.length,
        ).toBeLessThanOrEqual(1);
      } finally {
        await bench.cleanup();
      }
    },
  );
});
