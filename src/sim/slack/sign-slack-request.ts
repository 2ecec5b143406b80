import { createHmac } from 'node:crypto';

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed
 * with the app's signing secret. The bot (Bolt's HTTPReceiver) recomputes it over the exact
 * bytes it received, so the body must be sent exactly as signed.
 */
export function signSlackRequest(
  signingSecret: string,
  timestampSeconds: number,
  body: string,
): string {
  const hex = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${body}`)
    .digest('hex');
  return `v0=${hex}`;
}

/**
 * How to sign one delivery; tests of the bot's rejection path pass a wrong secret or an old
 * timestamp.
 */
export interface SignOptions {
  /** Sign with this secret instead of the emulator's. */
  secret?: string;
  /** Unix seconds to put in X-Slack-Request-Timestamp (default: now). */
  timestamp?: number;
}
