/**
 * What flatnet checks on a request to /slack/events before Bolt's HTTPReceiver sees it, for
 * two gaps in Bolt (@slack/bolt receivers/verify-request.js, HTTPReceiver.js):
 * - Bolt refuses a timestamp older than five minutes but accepts one from the future, so a
 *   captured request stamped ahead could be replayed for as long as the stamp says. Slack's
 *   guidance ("Verifying requests from Slack") is |now − timestamp| ≤ 5 minutes: 401 both ways.
 * - A correctly signed form whose `payload` is `null`, an array or not JSON makes Bolt throw
 *   outside its error handler (`Cannot read properties of null`): the request hangs and the
 *   process logs an unhandled error. It gets a 400 here.
 * The body is buffered once and handed to Bolt as `rawBody`, which Bolt uses as is.
 */
import type { IncomingMessage } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';

const MAX_SKEW_S = 5 * 60;
/** Slack's own limit on a request body is far below this; a bigger one is not Slack. */
const MAX_BODY_BYTES = 1_000_000;

export type EnvelopeVerdict = { ok: true } | { ok: false; status: 400 | 401 | 413; why: string };

export async function bufferBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function checkSlackEnvelope(
  req: IncomingMessage,
  body: string,
  signingSecret: string,
  nowMs: number = Date.now(),
): EnvelopeVerdict {
  const stamp = Number(req.headers['x-slack-request-timestamp']);
  const signature = req.headers['x-slack-signature'];
  if (!Number.isInteger(stamp) || Math.abs(nowMs / 1000 - stamp) > MAX_SKEW_S)
    return { ok: false, status: 401, why: 'timestamp missing or more than 5 minutes off' };
  if (typeof signature !== 'string') return { ok: false, status: 401, why: 'no signature' };
  const signed = isValidSlackRequest({
    signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': stamp },
    nowMilliseconds: nowMs,
  });
  if (!signed) return { ok: false, status: 401, why: 'signature does not match' };
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(body).get('payload');
    if (payload !== null && !isJsonObject(payload))
      return { ok: false, status: 400, why: 'payload is not a JSON object' };
  }
  return { ok: true };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
