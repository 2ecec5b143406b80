import {
  ErrorCode,
  WebClient,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { silentSlackLogger } from '../../src/sim/slack/start-sample-bot.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUIRED_BOT_SCOPES } from '../../src/slack/bot-scopes.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';

const BOT_TOKEN = 'xoxb-sim-web-api-test';

let slack: SlackEmulator;
let client: WebClient;

beforeEach(async () => {
  slack = await startSlackEmulator({ signingSecret: 'sim-secret', botToken: BOT_TOKEN });
  // No retries: a refused call must surface at once in a test.
  client = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silentSlackLogger,
  });
});

afterEach(async () => {
  await slack.close();
});

function section(text: string): { type: 'section'; text: { type: 'mrkdwn'; text: string } } {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

describe('Slack emulator Web API, driven by the real WebClient', () => {
  it('answers auth.test with the bot identity and refuses a wrong token', async () => {
    const me = await client.auth.test();
    expect(me).toMatchObject({
      ok: true,
      user_id: 'U0FLATNET',
      bot_id: 'B0FLATNET',
      team_id: 'T0FLATNET',
    });
    const stranger = new WebClient('xoxb-wrong', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      logger: silentSlackLogger,
    });
    await expect(stranger.auth.test()).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'invalid_auth' },
    });
  });

  it(
    "grants the manifest's scopes, sends them in " +
      'x-oauth-scopes and refuses a call without its scope',
    async () => {
      const me = await client.auth.test();
      expect([...(me.response_metadata?.scopes ?? [])].sort()).toEqual(
        [...REQUIRED_BOT_SCOPES].sort(),
      );
      const narrow = await startSlackEmulator({
        signingSecret: 'sim-secret',
        botToken: BOT_TOKEN,
        scopes: ['commands', 'users:read'],
      });
      try {
        const limited = new WebClient(BOT_TOKEN, {
          slackApiUrl: narrow.apiUrl,
          retryConfig: { retries: 0 },
          logger: silentSlackLogger,
        });
        await expect(
          limited.chat.postMessage({ channel: 'C0NETOPS', text: 'x' }),
        ).rejects.toMatchObject({
          data: { error: 'missing_scope', needed: 'chat:write', provided: 'commands,users:read' },
        });
        expect(narrow.store.apiCalls.at(-1)).toMatchObject({
          method: 'chat.postMessage',
          ok: false,
        });
      } finally {
        await narrow.close();
      }
    },
  );

  it('posts, threads and updates messages with increasing unique ts', async () => {
    const root = await client.chat.postMessage({
      channel: 'C0NETOPS',
      text: 'scale-up of hub-tokyo-a',
      blocks: [section('*scale-up* of `hub-tokyo-a`')],
    });
    expect(root.ts).toMatch(/^\d{10}\.\d{6}$/);
    const reply1 = await client.chat.postMessage({
      channel: 'C0NETOPS',
      thread_ts: root.ts!,
      text: 'step 1: load facts',
    });
    const reply2 = await client.chat.postMessage({
      channel: '#netops',
      thread_ts: root.ts!,
      text: 'step 2: launch',
    });
    expect(Number(reply1.ts)).toBeGreaterThan(Number(root.ts));
    expect(Number(reply2.ts)).toBeGreaterThan(Number(reply1.ts));

    await client.chat.update({
      channel: 'C0NETOPS',
      ts: reply1.ts!,
      text: 'step 1: load facts :white_check_mark:',
    });

    const store = slack.store;
    expect(store.messages('C0NETOPS').map((m) => m.ts)).toEqual([root.ts]);
    expect(store.message('C0NETOPS', root.ts!)?.replyCount).toBe(2);
    expect(store.replies('C0NETOPS', root.ts!).map((m) => m.text)).toEqual([
      'step 1: load facts :white_check_mark:',
      'step 2: launch',
    ]);
    expect(store.message('C0NETOPS', reply1.ts!)?.editedTs).toBeDefined();
    expect(store.message('C0NETOPS', root.ts!)?.blocks?.[0]).toMatchObject({ type: 'section' });
  });

  it('accepts JSON bodies as well as forms', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${BOT_TOKEN}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: 'C0NETOPS', text: 'json body', blocks: [section('hi')] }),
    });
    const body = (await res.json()) as { ok: boolean; ts: string };
    expect(body.ok).toBe(true);
    expect(slack.store.message('C0NETOPS', body.ts)?.text).toBe('json body');
  });

  it(
    'refuses what Slack refuses: unknown channel, ' + 'thread, method, someone else’s message',
    async () => {
      await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject(
        {
          data: { error: 'channel_not_found' },
        },
      );
      await expect(
        client.chat.postMessage({ channel: 'C0NETOPS', thread_ts: '1.000100', text: 'x' }),
      ).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
      await expect(client.apiCall('chat.teleport', {})).rejects.toMatchObject({
        data: { error: 'unknown_method' },
      });
      const human = slack.postAsUser({ user: 'U0ALICE', channel: 'C0NETOPS', text: '/vpn status' });
      await expect(
        client.chat.update({ channel: 'C0NETOPS', ts: human.ts, text: 'edited' }),
      ).rejects.toMatchObject({ data: { error: 'cant_update_message' } });
      await expect(
        client.chat.postMessage({ channel: 'C0NETOPS', text: '' }),
      ).rejects.toMatchObject({
        data: { error: 'no_text' },
      });
    },
  );

  it('enforces the Block Kit limits: 50 blocks, long text, long section text', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    const err = (await client.chat
      .postMessage({ channel: 'C0NETOPS', text: 't', blocks: tooMany })
      .catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(err.data.error).toBe('invalid_blocks');
    expect(err.data.response_metadata?.messages?.[0]).toContain('no more than 50 items');
    // Exactly 50 is allowed.
    await expect(
      client.chat.postMessage({ channel: 'C0NETOPS', text: 't', blocks: tooMany.slice(0, 50) }),
    ).resolves.toMatchObject({ ok: true });

    await expect(
      client.chat.postMessage({ channel: 'C0NETOPS', text: 'x'.repeat(40_001) }),
    ).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await expect(
      client.chat.postMessage({
        channel: 'C0NETOPS',
        text: 't',
        blocks: [section('x'.repeat(3001))],
      }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    const bulky = Array.from({ length: 5 }, () => section('y'.repeat(2900)));
    await expect(
      client.chat.postMessage({ channel: 'C0NETOPS', text: 't', blocks: bulky }),
    ).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
    const wideActions = {
      type: 'actions',
      elements: Array.from({ length: 26 }, (_, i) => ({
        type: 'button',
        text: { type: 'plain_text', text: `b${i}` },
        action_id: `a${i}`,
      })),
    };
    await expect(
      client.chat.postMessage({ channel: 'C0NETOPS', text: 't', blocks: [wideActions] }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('keeps ephemeral messages per user', async () => {
    const res = await client.chat.postEphemeral({
      channel: 'C0NETOPS',
      user: 'U0BOB',
      text: 'only bob sees this',
    });
    expect(res.message_ts).toBeDefined();
    expect(slack.store.ephemerals('U0BOB').map((e) => e.text)).toEqual(['only bob sees this']);
    expect(slack.store.ephemerals('U0ALICE')).toEqual([]);
    expect(slack.store.messages('C0NETOPS')).toEqual([]);
  });

  it('opens a DM and uploads a file into it with filesUploadV2', async () => {
    const dm = await client.conversations.open({ users: 'U0ALICE' });
    expect(dm.channel?.id).toBe('D0ALICE');
    await client.chat.postMessage({
      channel: dm.channel!.id!,
      text: 'your WireGuard configuration',
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const uploaded = await client.filesUploadV2({
      channel_id: 'D0ALICE',
      initial_comment: 'scan this with the WireGuard app',
      file_uploads: [
        { file: png, filename: 'laptop.png', title: 'QR code' },
        {
          content: '[Interface]\nAddress = 10.99.0.2/32\n',
          filename: 'laptop.conf',
          title: 'wg-quick config',
        },
      ],
    });
    expect(uploaded.ok).toBe(true);
    const files = slack.store.filesIn('D0ALICE');
    expect(files.map((f) => [f.name, f.title, f.mimetype])).toEqual([
      ['laptop.png', 'QR code', 'image/png'],
      ['laptop.conf', 'wg-quick config', 'text/plain'],
    ]);
    expect(files[0]?.bytes.equals(png)).toBe(true);
    expect(files[1]?.bytes.toString()).toContain('Address = 10.99.0.2/32');
    const dmMessages = slack.store.messages('D0ALICE');
    expect(dmMessages.at(-1)).toMatchObject({
      text: 'scan this with the WireGuard app',
      files: files.map((f) => f.id),
    });
    // Downloadable from the page, bytes intact.
    const download = await fetch(`${slack.url}files/${files[0]!.id}/laptop.png`);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
  });

  it(
    'posts to a user id as the DM with that ' + 'person, and deletes only its own messages',
    async () => {
      const posted = await client.chat.postMessage({ channel: 'U0CAROL', text: 'hello carol' });
      expect(posted.channel).toBe('D0CAROL');
      expect(slack.store.messages('D0CAROL').map((m) => m.text)).toEqual(['hello carol']);
      await client.chat.delete({ channel: 'D0CAROL', ts: posted.ts! });
      expect(slack.store.messages('D0CAROL')).toEqual([]);
      const human = slack.postAsUser({ user: 'U0ALICE', channel: '#netops', text: 'hi' });
      await expect(client.chat.delete({ channel: 'C0NETOPS', ts: human.ts })).rejects.toMatchObject(
        {
          data: { error: 'cant_delete_message' },
        },
      );
    },
  );

  it('answers users.info and usergroups.users.list', async () => {
    const bob = await client.users.info({ user: 'U0BOB' });
    expect(bob.user).toMatchObject({
      id: 'U0BOB',
      name: 'bob',
      real_name: 'Bob Brown',
      profile: { title: 'network approver' },
    });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    const group = await client.usergroups.users.list({ usergroup: 'S0NETAPPROVERS' });
    expect(group.users).toEqual(['U0BOB', 'U0CAROL']);
  });

  it(
    'answers 429 with Retry-After, seen by a ' + 'WebClient that rejects rate-limited calls',
    async () => {
      slack.rateLimit({ method: 'chat.update', times: 1, retryAfterSeconds: 7 });
      const root = await client.chat.postMessage({ channel: 'C0NETOPS', text: 'progress' });
      const err = (await client.chat
        .update({ channel: 'C0NETOPS', ts: root.ts!, text: 'x' })
        .catch((e: unknown) => e)) as WebAPIRateLimitedError;
      expect(err.code).toBe(ErrorCode.RateLimitedError);
      expect(err.retryAfter).toBe(7);
      // Only the next call was limited: the one after goes through.
      await expect(
        client.chat.update({ channel: 'C0NETOPS', ts: root.ts!, text: 'y' }),
      ).resolves.toMatchObject({ ok: true });
      expect(
        slack.store.apiCalls.filter((c) => c.method === 'chat.update').map((c) => c.status),
      ).toEqual([429, 200]);
    },
  );

  it('refuses views.open without a fresh trigger_id', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Add peer' },
      blocks: [],
    };
    await expect(client.views.open({ trigger_id: 'made-up', view })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
  });
});
