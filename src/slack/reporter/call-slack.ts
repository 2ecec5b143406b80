import type { Logger } from '../../log.js';
import { retryAfterMsOf } from './rate-limited.js';

export interface RetryPolicy {
  /** Tries for errors other than rate limits before the call is dropped. */
  maxAttempts: number;
  /** 429s waited out before the call is dropped (a long outage must not hold a queue forever). */
  maxRateLimitWaits: number;
  /** Longest single Retry-After honoured. */
  maxRetryAfterMs: number;
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** The thread reporter's default patience: a few retries, ten 429s, a minute's wait at most. */
export const SLACK_PATIENCE: Omit<RetryPolicy, 'sleep'> = {
  maxAttempts: 3,
  maxRateLimitWaits: 10,
  maxRetryAfterMs: 60_000,
  backoffMs: 250,
};

export class SlackGaveUp extends Error {
  constructor(what: string, cause: unknown) {
    super(`gave up on Slack (${what}): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'SlackGaveUp';
  }
}

/**
 * One Slack call with the reporter's patience: wait out 429s as told by Retry-After, retry
 * other failures a few times with backoff, then give up with SlackGaveUp. The caller logs
 * and moves on; a run never waits on this.
 */
export async function callSlack<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  log: Logger,
): Promise<T> {
  let failures = 0;
  let waits = 0;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const retryAfterMs = retryAfterMsOf(err);
      if (retryAfterMs !== undefined) {
        if (++waits > policy.maxRateLimitWaits) throw new SlackGaveUp(what, err);
        const wait = Math.min(retryAfterMs, policy.maxRetryAfterMs);
        log.info({ what, retryAfterMs: wait }, 'Slack rate limit: waiting before retrying');
        await policy.sleep(wait);
        continue;
      }
      if (++failures >= policy.maxAttempts) throw new SlackGaveUp(what, err);
      log.warn({ what, attempt: failures, err: errText(err) }, 'Slack call failed, retrying');
      await policy.sleep(policy.backoffMs * 2 ** (failures - 1));
    }
  }
}

/** An error as one short line for a log: the message only, never the request it carried. */
export function errText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 300 ? text.slice(0, 299) + '…' : text;
}
