/**
 * Slack said "slow down" (HTTP 429). The chat adapter throws this instead of letting the
 * WebClient sleep inside the call, so the reporter decides how to wait: it keeps the run
 * going and retries after `retryAfterMs`.
 */
export class RateLimited extends Error {
  readonly code = 'RATE_LIMITED';

  constructor(
    readonly retryAfterMs: number,
    readonly method = 'slack',
  ) {
    super(
      `Slack rate-limited ${method}: retry after ${Math.ceil(retryAfterMs / 1000)} s. ` +
        'flatnet waits and retries by itself; if this repeats, ' +
        'fewer edits per run (minEditIntervalMs) help.',
    );
    this.name = 'RateLimited';
  }
}

/** Slack's own default when a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * How long to wait if `err` is a rate limit, else undefined. Accepts our RateLimited, the
 * WebClient's rate-limited error (`retryAfter` in seconds) and a platform `ratelimited` error.
 */
export function retryAfterMsOf(err: unknown): number | undefined {
  if (err instanceof RateLimited) return err.retryAfterMs;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as {
    code?: unknown;
    retryAfter?: unknown;
    retryAfterMs?: unknown;
    data?: { error?: unknown };
  };
  if (typeof e.retryAfterMs === 'number') return e.retryAfterMs;
  if (e.code === 'slack_webapi_rate_limited_error') {
    return typeof e.retryAfter === 'number' && e.retryAfter >= 0
      ? e.retryAfter * 1000
      : DEFAULT_RETRY_AFTER_MS;
  }
  if (e.code === 'slack_webapi_platform_error' && e.data?.error === 'ratelimited')
    return DEFAULT_RETRY_AFTER_MS;
  return undefined;
}
