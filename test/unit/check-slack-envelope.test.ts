/**
 * Slack's v0 signature as checkSlackEnvelope verifies it (one HMAC, compared in constant time):
 * "Verifying requests from Slack". Every way a signature can be wrong is a 401.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkSlackEnvelope } from '../../src/slack/check-slack-envelope.js';
import { signSlackRequest } from '../../src/sim/slack/sign-slack-request.js';

const SECRET = 'test-signing-secret';
const NOW = 1_800_000_000_000;
const STAMP = NOW / 1000;
const BODY = 'command=%2Fvpn&text=status&team_id=T0FLATNET';

const request = (signature: string, contentType = 'application/x-www-form-urlencoded') =>
  ({
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(STAMP),
      'x-slack-signature': signature,
    },
  }) as unknown as IncomingMessage;
const check = (signature: string, body = BODY, contentType?: string) =>
  checkSlackEnvelope(request(signature, contentType), body, SECRET, NOW);

describe('checkSlackEnvelope', () => {
  const good = signSlackRequest(SECRET, STAMP, BODY);

  it('accepts a request signed with the secret, and hands back its form', () => {
    const verdict = check(good);
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.form?.get('command')).toBe('/vpn');
  });

  it('hands back no form unless the content type is exactly a form, as Bolt reads it', () => {
    const verdict = check(good, BODY, 'application/x-www-form-urlencoded; charset=utf-8');
    expect(verdict).toEqual({ ok: true });
  });

  it.each([
    ['another secret', signSlackRequest('other', STAMP, BODY)],
    ['another body', signSlackRequest(SECRET, STAMP, `${BODY}&x=1`)],
    ['another timestamp', signSlackRequest(SECRET, STAMP - 1, BODY)],
    ['another version', good.replace('v0=', 'v1=')],
    ['a cut signature', good.slice(0, -2)],
    ['no hex', 'v0=zz'],
    ['the hex doubled', `${good}${good.slice(3)}`],
    ['nothing', ''],
  ])('refuses a signature made with %s', (_why, signature) => {
    expect(check(signature)).toMatchObject({ ok: false, status: 401 });
  });
});
