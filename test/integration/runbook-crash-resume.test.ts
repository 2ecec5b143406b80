import { describe, expect, it } from 'vitest';
import { runLockTiming } from '../../src/queue/run-lock-timing.js';
import { OwnershipLostError } from '../../src/runbook/engine-core.js';
import {
  approvalBy,
  createWorld,
  submitInput,
  toyRunbook,
  waitForStatus,
  type Hang,
  type ToyStepSpec,
} from './runbook-harness.js';

const steps: ToyStepSpec[] = [
  { id: 'facts', phase: 'plan' },
  { id: 'a' },
  { id: 'b' },
  { id: 'c' },
];

interface Case {
  stepId: string;
  when: Hang['when'];
  approval: boolean;
}

const cases: Case[] = [];
for (const stepId of ['facts', 'a', 'b', 'c']) {
  for (const when of ['before-action', 'after-action'] as const)
    cases.push({ stepId, when, approval: false });
}
// The exec job of an approved run resumes the same way.
cases.push({ stepId: 'b', when: 'after-action', approval: true });

/**
 * For every step boundary, a worker dies inside the step (before or after its side effect):
 * it is closed without waiting while its processor hangs. A second worker (another "process",
 * with its own engine) takes the job over once the lock lapses and finishes the run. Then
 * the dead worker's processor wakes up, as a paused VM would, and must not act or save.
 */
describe('runbook engine: crash and resume', () => {
  it.concurrent.each(cases)(
    'a worker dies $when in step $stepId (approval: ' +
      '$approval): the run completes, every action once',
    async ({ stepId, when, approval }) => {
      const world = createWorld();
      try {
        let reached!: () => void;
        let release!: () => void;
        const hangReached = new Promise<void>((resolve) => (reached = resolve));
        const hang: Hang = {
          stepId,
          when,
          reached,
          release: new Promise<void>((resolve) => (release = resolve)),
        };
        const staleWork: Array<Promise<void>> = [];

        const engineA = world.engine(toyRunbook(steps), { deps: { hang } });
        const workerA = world.startWorker(engineA, {
          processor: (_runId, process) => {
            const work = process();
            staleWork.push(work);
            return work;
          },
        });
        const { id } = await engineA.submit(
          submitInput(approval ? { approval: approvalBy(['U2']) } : {}),
        );
        if (approval) {
          await waitForStatus(engineA, id, ['awaiting-approval']);
          expect((await engineA.decide(id, 'U2', 'approve')).ok).toBe(true);
        }
        await hangReached;
        await workerA.close(true);

        const engineB = world.engine(toyRunbook(steps));
        world.startWorker(engineB);
        const run = await waitForStatus(engineB, id, ['succeeded', 'failed', 'rolled-back']);
        expect(run.status).toBe('succeeded');
        expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
        expect(await world.counts()).toEqual({ a: 1, b: 1, c: 1 });

        // The stale worker wakes up: it is refused (fenced save or ownership check), acts on
        // nothing.
        release();
        const settled = await Promise.allSettled(staleWork);
        const stale = settled.find((s) => s.status === 'rejected');
        expect(stale && stale.status === 'rejected' ? stale.reason : undefined).toBeInstanceOf(
          OwnershipLostError,
        );
        expect(await world.counts()).toEqual({ a: 1, b: 1, c: 1 });
        const after = await engineB.get(id);
        expect(after?.status).toBe('succeeded');
        expect(after?.updatedAt).toBe(run.updatedAt);
        const types = (await engineB.store.readEvents(id)).map((e) => e.event.type);
        expect(types.filter((t) => t === 'finished')).toHaveLength(1);
        // The resumed worker says where it picked up (plan-phase crashes start execution fresh).
        if (stepId !== 'facts') expect(types.filter((t) => t === 'started')).toHaveLength(2);
        expect(await engineB.whoHolds('hub-tokyo-a')).toBeUndefined();
      } finally {
        await world.cleanup();
      }
    },
  );
});

describe('runbook engine: crash while undoing', () => {
  it(
    'a worker dies after undoing a step: the next one carries on ' +
      'undoing, each undo once, never re-running the failed step',
    async () => {
      const world = createWorld();
      try {
        let reached!: () => void;
        let release!: () => void;
        const hangReached = new Promise<void>((resolve) => (reached = resolve));
        const hang: Hang = {
          stepId: 'b',
          when: 'after-undo',
          reached,
          release: new Promise<void>((resolve) => (release = resolve)),
        };
        const staleWork: Array<Promise<void>> = [];
        const undoSteps: ToyStepSpec[] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
        const engineA = world.engine(toyRunbook(undoSteps), { deps: { hang, failAt: 'c' } });
        const workerA = world.startWorker(engineA, {
          processor: (_runId, process) => {
            const work = process();
            staleWork.push(work);
            return work;
          },
        });
        const { id } = await engineA.submit(submitInput());
        await hangReached;
        await workerA.close(true);

        const engineB = world.engine(toyRunbook(undoSteps), { deps: { failAt: 'c' } });
        world.startWorker(engineB);
        const run = await waitForStatus(engineB, id, ['rolled-back', 'failed', 'succeeded']);
        expect(run.status).toBe('rolled-back');
        expect(run.steps.map((s) => s.status)).toEqual(['undone', 'undone', 'failed']);
        expect(await world.counts()).toEqual({ a: 1, b: 1, 'undo:a': 1, 'undo:b': 1 });
        expect(await world.undoOrder()).toEqual(['b', 'a']);

        release();
        const settled = await Promise.allSettled(staleWork);
        expect(
          settled.some((s) => s.status === 'rejected' && s.reason instanceof OwnershipLostError),
        ).toBe(true);
        expect(await world.counts()).toEqual({ a: 1, b: 1, 'undo:a': 1, 'undo:b': 1 });
      } finally {
        await world.cleanup();
      }
    },
  );
});

/**
 * The short lock's risk (docs/architecture.md, takeover): a live worker whose event loop is
 * blocked longer than its lock (here 1 s beyond it, synchronously, inside a step after its
 * action) loses the run while it is still in the step. It must not count: its save after the
 * block is refused, the run is resumed by a worker (a second one is there) and every action
 * happens once.
 */
describe('runbook engine: a worker whose event loop blocks past its lock', () => {
  it('is refused at its next save; the run is resumed and every action happens once', async () => {
    const world = createWorld();
    try {
      const { lockDurationMs } = runLockTiming();
      const engineB = world.engine(toyRunbook(steps));
      let blocked = false;
      const hang: Hang = {
        stepId: 'b',
        when: 'after-action',
        reached: () => {
          // Once: if this worker takes the run back, it goes on normally. The second worker
          // starts now, with the run surely this one's.
          if (blocked) return;
          blocked = true;
          world.startWorker(engineB);
          const until = Date.now() + lockDurationMs + 1_000;
          while (Date.now() < until) {
            // The event loop is blocked: no lock renewal, no I/O, as in a CPU-bound stall.
          }
        },
        release: Promise.resolve(),
      };
      const staleWork: Array<Promise<void>> = [];
      const engineA = world.engine(toyRunbook(steps), { deps: { hang } });
      world.startWorker(engineA, {
        processor: (_runId, process) => {
          const work = process();
          staleWork.push(work);
          return work;
        },
      });
      const { id } = await engineA.submit(submitInput());
      const run = await waitForStatus(engineB, id, ['succeeded', 'failed', 'rolled-back']);
      expect(run.status).toBe('succeeded');
      expect(await world.counts()).toEqual({ a: 1, b: 1, c: 1 });
      const settled = await Promise.allSettled(staleWork);
      expect(
        settled.some((s) => s.status === 'rejected' && s.reason instanceof OwnershipLostError),
      ).toBe(true);
      const types = (await engineB.store.readEvents(id)).map((e) => e.event.type);
      expect(types.filter((t) => t === 'finished')).toHaveLength(1);
      expect(types.filter((t) => t === 'started')).toHaveLength(2);
    } finally {
      await world.cleanup();
    }
  });
});
