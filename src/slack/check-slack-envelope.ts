/**
 * What flatnet checks on a request to /slack/events before Bolt's HTTPReceiver sees it, for
 * two gaps in Bolt (@slack/bolt receivers/verify-request.js, HTTPReceiver.js):
 * - Bolt refuses a timestamp older than five minutes but accepts one from the future, so a
 *   captured request stamped ahead could be replayed for as long as the stamp says. Slack's
 *   guidance ("Verifying requests from Slack") is |now − timestamp| ≤ 5 minutes: 401 both ways.
 * - A correctly signed form whose `payload` is `null`, an array or not JSON makes Bolt throw
 *   outside its error handler (`Cannot read properties of null`): the request hangs and the
 *   process logs an unhandled error. It gets a 400 here.
 * The body is buffered once and handed to Bolt as `rawBody`, which Bolt uses as is; a form is
 * parsed once, here, and handed back (slash commands are answered from it, slash-front-door.ts).
 *
 * The signature is Slack's v0 scheme ("Verifying requests from Slack"): `v0=` and the hex of
 * HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`), compared in constant time. Bolt's
 * `isValidSlackRequest` computes the same, then compares with tsscmp, which takes two more
 * HMACs and random bytes; one HMAC and `timingSafeEqual` are as safe and cost a third.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const MAX_SKEW_S = 5 * 60;
/** Slack's own limit on a request body is far below this; a bigger one is not Slack. */
const MAX_BODY_BYTES = 1_000_000;

/** Bolt reads a body as a form only with exactly this content type (HTTPModuleFunctions.js). */
const FORM = 'application/x-www-form-urlencoded';

export type EnvelopeVerdict =
  /** `form`: the body's fields when it is a form (exactly Bolt's content type). */
  { ok: true; form?: URLSearchParams } | { ok: false; status: 400 | 401 | 413; why: string };

/**
 * The whole body, or undefined (and the request dropped) past MAX_BODY_BYTES. Read with
 * listeners, not `for await`: the stream's async iterator costs more than the HMAC on the way
 * to an ack (a profile under bench/ack-under-load.ts).
 */
export function bufferBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (!req.destroyed) {
        req.destroy();
        resolve(undefined);
      }
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // Cut short (the client went away): settled, so nothing waits on it forever.
    req.once('close', () => {
      if (!req.complete) reject(new Error('the request was cut short'));
    });
  });
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
  if (!signedBy(signingSecret, stamp, body, signature))
    return { ok: false, status: 401, why: 'signature does not match' };
  const contentType = String(req.headers['content-type'] ?? '');
  if (!contentType.startsWith(FORM)) return { ok: true };
  const form = new URLSearchParams(body);
  const payload = form.get('payload');
  if (payload !== null && !isJsonObject(payload))
    return { ok: false, status: 400, why: 'payload is not a JSON object' };
  return contentType === FORM ? { ok: true, form } : { ok: true };
}

function signedBy(secret: string, stamp: number, body: string, signature: string): boolean {
  if (!signature.startsWith('v0=')) return false;
  const given = Buffer.from(signature.slice(3), 'hex');
  const expected = createHmac('sha256', secret).update(`v0:${stamp}:${body}`).digest();
  // A signature that is not 64 hex digits decodes shorter and fails here.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
