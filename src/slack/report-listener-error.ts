import type { CodedError } from '@slack/bolt';
import type { Logger } from '../log.js';

/**
 * Bolt's last line (`app.error`): a listener that threw after its `ack()` is logged here,
 * with the listener's own error (Bolt wraps it as `original`) and its stack, instead of
 * Bolt's console line without one.
 */
export function reportListenerError(log: Logger): (error: CodedError) => Promise<void> {
  return async (error) => {
    const original = (error as { original?: unknown }).original;
    log.error(
      { err: original instanceof Error ? original : error, code: error.code },
      'a Slack listener failed',
    );
  };
}
