/**
 * The worst moment for a crash: right after a step's side effect, before its result is saved
 * (the bench's `afterStep` hook): the world changed, the record does not know. A worker pauses
 * there and is closed without waiting; a second worker with its own engine resumes the run.
 * The paused worker can then be woken, to prove the fence keeps it from acting.
 */
import type { Worker } from 'bullmq';
import type { Engine } from '../../src/runbook/engine.js';
import type { Run } from '../../src/runbook/types.js';
import type { AfterStep } from '../helpers/after-step.js';

export interface CrashableBench {
  newEngine(options?: { afterStep?: AfterStep }): Engine;
  startWorker(
    engine?: Engine,
    processor?: (runId: string, process: () => Promise<void>) => Promise<void>,
  ): Worker;
  submit(): Promise<Run>;
  finished(runId: string, engine?: Engine): Promise<Run>;
}

export interface Resumed {
  /** The run as the second worker finished it. */
  run: Run;
  survivor: Engine;
  /** Let the paused worker go on; resolves with why it was refused (undefined if it was not). */
  wakeStaleWorker(): Promise<unknown>;
}

export async function crashAfterActionThenResume(
  bench: CrashableBench,
  stepId: string,
): Promise<Resumed> {
  let reached!: () => void;
  let release!: () => void;
  const hangReached = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const dying = bench.newEngine({
    async afterStep(id) {
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
  try {
    const { id } = await bench.submit();
    await hangReached;
    await workerA.close(true);
    const survivor = bench.newEngine();
    bench.startWorker(survivor);
    const run = await bench.finished(id, survivor);
    return {
      run,
      survivor,
      async wakeStaleWorker() {
        release();
        const settled = await Promise.allSettled(stale);
        const refused = settled.find((s) => s.status === 'rejected');
        return refused && refused.status === 'rejected' ? refused.reason : undefined;
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
