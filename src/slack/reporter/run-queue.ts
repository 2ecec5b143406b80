import type { Logger } from '../../log.js';
import { errText } from './call-slack.js';

/**
 * One run's Slack work, one task at a time in the order the events came, so a reply never
 * overtakes the root it hangs from and an edit never shows an older state than the last one.
 * A failed task is logged and the queue goes on: a Slack outage delays the thread, never the
 * run.
 */
export interface RunQueue {
  /** Queue `task` after the others; resolves once it is done (or failed and was logged). */
  add(what: string, task: () => Promise<void>): Promise<void>;
  /** Nothing queued or running, and nothing else the run waits for (`alsoBusy`). */
  isIdle(): boolean;
  /** Resolves the next time the queue becomes idle. */
  nextIdle(): Promise<void>;
}

export function createRunQueue(options: {
  runId: string;
  log: Logger;
  /** Work outside the queue that still counts (an edit waiting for its slot). */
  alsoBusy: () => boolean;
  /** Called each time the queue becomes idle, after the waiters are told. */
  onIdle: () => void;
}): RunQueue {
  let tail = Promise.resolve();
  let pending = 0;
  const waiters: (() => void)[] = [];
  const isIdle = (): boolean => pending === 0 && !options.alsoBusy();

  function settle(): void {
    if (!isIdle()) return;
    for (const resolve of waiters.splice(0)) resolve();
    options.onIdle();
  }

  return {
    add(what, task) {
      pending++;
      tail = tail
        .then(task)
        .catch((err: unknown) =>
          options.log.warn(
            { runId: options.runId, what, err: errText(err) },
            'Slack reporting failed; the run goes on',
          ),
        )
        .then(() => {
          pending--;
          settle();
        });
      return tail;
    },
    isIdle,
    nextIdle: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}
