/**
 * Poll until `check` returns a value (not undefined/false), with a generous overall deadline:
 * a verdict never rests on timing. The loop is flatnet's own (src/util/wait-for.ts).
 */
import { waitFor as poll } from '../../src/util/wait-for.js';

export function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  deadlineMs = 30_000,
): Promise<T> {
  return poll(check, { what, timeoutMs: deadlineMs });
}

/** The same with the description first, as the runbook harnesses read. */
export function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  deadlineMs = 20_000,
): Promise<T> {
  return poll(check, { what, timeoutMs: deadlineMs });
}
