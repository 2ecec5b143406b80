/**
 * Issue 15 §4, what the lean front door must keep (src/slack/slash-front-door.ts): in HTTP
 * mode a slash command is answered before Bolt sees it, but only once its signature and
 * timestamp are verified; the ack says what it said before; and the run it announces is
 * recorded after the ack, with who asked, where and the response_url.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const CHANNEL = 'C0NETOPS';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ label: 'front-door' });
});
afterAll(async () => {
  await stack?.close();
});

const runIds = async () =>
  (await stack.bot.runtime.engine.store.list({ limit: 1000 })).map((r) => r.id);
const status = (sign?: { secret?: string; timestamp?: number }) =>
  stack.slack.slashCommand({
    user: 'U0ALICE',
    channel: CHANNEL,
    command: '/vpn',
    text: 'status',
    ...(sign ? { sign } : {}),
  });

describe('the slash command front door', () => {
  it('refuses a bad signature and a timestamp over 5 minutes off, acting on none', async () => {
    const before = await runIds();
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await status({ secret: 'not-the-signing-secret' }),
      await status({ timestamp: now - 301 }),
      await status({ timestamp: now + 301 }),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(401);
      expect(reply.body).toBe('');
    }
    // A good command after them: once its run is recorded, it is the only new one (the work
    // after an ack is done in arrival order, so a refused command recorded would be there).
    const good = await status();
    const id = /Started (r-[a-z0-9]{6})/.exec(good.body)?.[1];
    expect(id).toBeDefined();
    await waitFor(async () => (await runIds()).includes(id!), `the record of ${id}`);
    expect((await runIds()).filter((r) => !before.includes(r))).toEqual([id]);
  });

  it('acks as before: an ephemeral JSON "Started r-…", its run recorded after', async () => {
    const reply = await status();
    expect(reply.status).toBe(200);
    const id = /Started (r-[a-z0-9]{6})/.exec(reply.body)?.[1];
    const text = `Started ${id} (status everything). Progress follows in the thread.`;
    expect(reply.json).toEqual({
      response_type: 'ephemeral',
      text,
      blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }],
    });
    const run = await waitFor(() => stack.bot.runtime.engine.get(id!), `the record of ${id}`);
    expect(run).toMatchObject({
      kind: 'status',
      target: '*',
      requester: 'U0ALICE',
      origin: { kind: 'slack', channel: CHANNEL, responseUrl: expect.stringMatching(/^http/) },
    });
  });

  it('answers a refused command in the ack, with what is wrong and the fix', async () => {
    const reply = await stack.slack.slashCommand({
      user: 'U0ALICE',
      channel: CHANNEL,
      command: '/router',
      text: 'scaleup no-such-router',
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ response_type: 'ephemeral' });
    expect((reply.json as { text: string }).text).toContain('no-such-router');
  });

  it('drops a body over 1 MB unread and keeps serving', async () => {
    const body = `command=%2Fvpn&text=${'a'.repeat(1_100_000)}`;
    const outcome = await fetch(`http://127.0.0.1:${stack.bot.port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }).then(
      (res) => res.status,
      () => 'dropped',
    );
    expect([413, 'dropped']).toContain(outcome);
    expect((await status()).status).toBe(200);
  });
});
