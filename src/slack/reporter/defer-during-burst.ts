/**
 * Holds work back while a burst lasts: each `defer` pushes the release back until nothing new
 * came for `quietMs`, but never more than `maxDelayMs` after the first held item.
 *
 * Why the thread reporter needs it: a run's root message is posted right after the command
 * that created it is acknowledged, on the same event loop and the same Redis connection. In a
 * burst of slash commands every root post (Redis reads, the claim, an HTTP call to Slack)
 * would compete with the acknowledgements still waiting, which Slack needs within 3 seconds;
 * Slack would also throttle that many posts to one channel at once. Held back, the burst is
 * acknowledged first and its threads start right after it. (Usually sooner still: the worker
 * that picks the run up starts the thread itself, so the bot's post is the fallback for when
 * no worker is free, and waiting a second or two for it costs nobody anything.)
 */
export interface BurstDeferral {
  /** Hold `work` under `key` (a newer one for the same key replaces it). */
  defer(key: string, work: () => void): void;
  /** Run the held work for `key` now, if any (a later event of the same run must not overtake it). */
  release(key: string): void;
  /** Run everything held now (flush, shutdown). */
  releaseAll(): void;
  /** How many items are held. */
  readonly size: number;
}

export function createBurstDeferral(options: { quietMs: number; maxDelayMs: number }): BurstDeferral {
  const held = new Map<string, () => void>();
  let firstAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  function releaseAll(): void {
    clearTimeout(timer);
    timer = undefined;
    firstAt = undefined;
    const works = [...held.values()];
    held.clear();
    for (const work of works) work();
  }

  return {
    defer(key, work) {
      held.set(key, work);
      const now = Date.now();
      firstAt ??= now;
      clearTimeout(timer);
      const wait = Math.max(0, Math.min(options.quietMs, firstAt + options.maxDelayMs - now));
      timer = setTimeout(releaseAll, wait);
      // Held work never keeps a process alive: shutdown releases it through flush().
      timer.unref();
    },
    release(key) {
      const work = held.get(key);
      if (!work) return;
      held.delete(key);
      if (held.size === 0) {
        clearTimeout(timer);
        timer = undefined;
        firstAt = undefined;
      }
      work();
    },
    releaseAll,
    get size() {
      return held.size;
    },
  };
}
