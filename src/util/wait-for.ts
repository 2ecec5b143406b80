/**
 * Waiting for something that appears by itself (a server that starts, an SSH endpoint the
 * simulator registers): the one polling loop of flatnet's start-up code and of the tests.
 * Runbook steps wait differently (bring-tunnels-up, await-tunnels): with an injected clock,
 * and with progress notes in the thread.
 */

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** What is awaited, for the error: "redis-server to answer PING". */
  what: string;
  timeoutMs: number;
  /** Between two looks; default 25 ms. */
  intervalMs?: number;
  /** Gives up at once with this reason (e.g. the process being waited for exited). */
  giveUp?: () => string | undefined;
}

/**
 * Looks with `check` until it returns a value (anything but undefined or false). A look that
 * throws counts as "not yet"; after `timeoutMs` the error names what was awaited and the last
 * error seen.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const until = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    const reason = options.giveUp?.();
    if (reason) throw new Error(`gave up waiting for ${options.what}: ${reason}`);
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}
