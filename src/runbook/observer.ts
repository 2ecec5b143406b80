import type { Logger } from '../log.js';
import type { Run, RunEvent } from './types.js';

/**
 * Something that follows runs: the Slack thread reporter, the CLI printer, metrics. The
 * engine awaits every observer for every event, in order, but a failing or hanging observer
 * (a Slack outage) never fails or stalls the run: it is caught, logged, and given up on
 * after a short bounded wait. The reporter catches up from the run record later.
 */
export interface RunObserver {
  onEvent(run: Run, event: RunEvent): Promise<void>;
}

export async function notifyObservers(
  observers: readonly RunObserver[],
  run: Run,
  event: RunEvent,
  log: Logger,
  timeoutMs: number,
): Promise<void> {
  if (observers.length === 0) return;
  // Each observer gets its own copy: one cannot change what the next one (or the engine) sees.
  await Promise.all(
    observers.map(async (observer) => {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const result = await Promise.race([
          observer.onEvent(structuredClone(run), event).then(() => 'done' as const),
          gaveUp,
        ]);
        if (result === 'timeout')
          log.warn(
            { runId: run.id, event: event.type, timeoutMs },
            'run observer is slow; the run goes on without it',
          );
      } catch (err) {
        log.warn({ err, runId: run.id, event: event.type }, 'run observer failed; the run goes on');
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
