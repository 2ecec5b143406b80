import type { Logger } from '../../log.js';
import type { Run } from '../../runbook/types.js';
import { newEdits, noEditWaiting } from './edit-pacing.js';
import { createRunQueue } from './run-queue.js';
import type { RunThread } from './run-thread.js';
import { isFinal } from './thread-layout.js';

/**
 * The runs this process is reporting, one thread each (its queue and pending edits). A
 * finished run's thread is dropped once its queue is idle: it was only memory, and Redis
 * keeps where its messages are.
 */
export interface RunThreads {
  /** The run's thread, new (and empty) the first time the run is seen. */
  of(run: Run): RunThread;
  /** Until nothing is queued or waiting for the run (or for any run). */
  idle(runId?: string): Promise<void>;
}

export function createRunThreads(log: Logger): RunThreads {
  const threads = new Map<string, RunThread>();

  function of(run: Run): RunThread {
    const known = threads.get(run.id);
    if (known) return known;
    const t: RunThread = {
      run,
      notes: {},
      thread: {},
      edits: newEdits(),
      queue: createRunQueue({
        runId: run.id,
        log,
        alsoBusy: () => !noEditWaiting(t.edits),
        onIdle: () => {
          if (isFinal(t.run) && threads.get(run.id) === t) threads.delete(run.id);
        },
      }),
    };
    threads.set(run.id, t);
    return t;
  }

  async function idle(runId?: string): Promise<void> {
    for (;;) {
      const busy = [...threads.values()].filter(
        (t) => (runId === undefined || t.run.id === runId) && !t.queue.isIdle(),
      );
      if (busy.length === 0) return;
      await Promise.all(busy.map((t) => t.queue.nextIdle()));
    }
  }

  return { of, idle };
}
