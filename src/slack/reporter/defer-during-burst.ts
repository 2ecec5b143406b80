/**
 * Holds work back while a burst lasts, then lets it out a few at a time: each `defer` pushes
 * the release back until nothing new came for `quietMs`, but never more than `maxDelayMs`
 * after the first held item; released work runs at most `concurrency` at once.
 *
 * Why the thread reporter needs it: a run's root message is posted right after the command
 * that created it is acknowledged, on the same event loop and the same Redis connection. In a
 * burst of slash commands every root post (Redis reads, the claim, an HTTP call to Slack)
 * would compete with the acknowledgements still waiting, which Slack needs within 3 seconds.
 * Held back, the burst is acknowledged first; let out a few at a time, the posts leave room
 * for the next burst's acknowledgements (and Slack, at about one message per second per
 * channel, would only answer a flood of them with 429s). Usually the worker that picks the
 * run up starts its thread even sooner, so the bot's post is the fallback for when no worker
 * is free, and waiting a second or two for it costs nobody anything.
 */
type Work = () => Promise<void>;

export interface BurstDeferral {
  /** Hold `work` under `key` (a newer one for the same key replaces it). */
  defer(key: string, work: Work): void;
  /**
   * Start the work for `key` now, ahead of the others (a later event of the same run must not
   * overtake its creation). It starts synchronously; the promise says when it is done.
   */
  release(key: string): Promise<void>;
  /** Let everything held out now (flush, shutdown); resolves once all released work is done. */
  releaseAll(): Promise<void>;
  /** How many items are held or waiting for their turn. */
  readonly size: number;
}

export function createBurstDeferral(options: {
  quietMs: number;
  maxDelayMs: number;
  concurrency: number;
}): BurstDeferral {
  const held = new Map<string, Work>();
  /** Released, waiting for one of the `concurrency` lanes. */
  const ready = new Map<string, Work>();
  let running = 0;
  const drained: (() => void)[] = [];
  let firstAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  function stopTimer(): void {
    clearTimeout(timer);
    timer = undefined;
    firstAt = undefined;
  }

  function settle(): void {
    if (running === 0 && ready.size === 0) for (const resolve of drained.splice(0)) resolve();
  }

  function pump(): void {
    for (const [key, work] of ready) {
      if (running >= options.concurrency) return;
      ready.delete(key);
      running++;
      void work()
        .catch(() => undefined)
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
  }

  function releaseAll(): Promise<void> {
    stopTimer();
    for (const [key, work] of held) ready.set(key, work);
    held.clear();
    pump();
    const done = new Promise<void>((resolve) => drained.push(resolve));
    settle();
    return done;
  }

  return {
    defer(key, work) {
      held.set(key, work);
      const now = Date.now();
      firstAt ??= now;
      clearTimeout(timer);
      const wait = Math.max(0, Math.min(options.quietMs, firstAt + options.maxDelayMs - now));
      timer = setTimeout(() => void releaseAll(), wait);
      // Held work never keeps a process alive: shutdown lets it out through flush().
      timer.unref();
    },
    release(key) {
      const work = held.get(key) ?? ready.get(key);
      if (!work) return Promise.resolve();
      held.delete(key);
      ready.delete(key);
      if (held.size === 0) stopTimer();
      const done = work();
      settle();
      return done.catch(() => undefined);
    },
    releaseAll,
    get size() {
      return held.size + ready.size;
    },
  };
}
