import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TriggerBook } from '../../src/sim/slack/api-context.js';
import type { SlackStore } from '../../src/sim/slack/slack-store.js';
import {
  silentSlackLogger,
  startSampleBot,
  type SampleBot,
} from '../../src/sim/slack/start-sample-bot.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';

const SECRET = 'sim-signing-secret-delivery';
const TOKEN = 'xoxb-sim-delivery';

let slack: SlackEmulator;
let bot: SampleBot;

beforeEach(async () => {
  slack = await startSlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  bot = await startSampleBot({ slackApiUrl: slack.apiUrl, signingSecret: SECRET, botToken: TOKEN });
  slack.setBotUrl(bot.url);
});

afterEach(async () => {
  await bot.close();
  await slack.close();
});

/**
 * Resolve once the store satisfies `check`; the bot works after its ack, so tests wait for its
 * effects.
 */
function waitFor<T>(store: SlackStore, check: () => T | undefined, what: string): Promise<T> {
  const found = check();
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      store.off('change', onChange);
      reject(new Error(`gave up waiting for ${what}`));
    }, 10_000);
    const onChange = (): void => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      store.off('change', onChange);
      resolve(value);
    };
    store.on('change', onChange);
  });
}

describe('delivery to a real Bolt app in HTTP mode', () => {
  it(
    'delivers a signed slash ' +
      'command; respond(in_channel) ' +
      'shows the command and the answer',
    async () => {
      const reply = await slack.slashCommand({
        user: 'U0ALICE',
        channel: '#netops',
        command: '/vpn',
        text: 'status',
      });
      expect(reply.status).toBe(200);
      const answer = await waitFor(
        slack.store,
        () => slack.store.messages('C0NETOPS').find((m) => m.user === 'U0FLATNET'),
        'the status answer',
      );
      expect(answer.text).toContain('6 routers up');
      expect(slack.store.messages('C0NETOPS').map((m) => [m.user, m.text])).toEqual([
        ['U0ALICE', '/vpn status'],
        ['U0FLATNET', ':large_green_circle: 6 routers up, 0 problems'],
      ]);
      // Bolt verified the bot token against auth.test before handling the command.
      expect(slack.store.apiCalls.some((c) => c.method === 'auth.test' && c.ok)).toBe(true);
    },
  );

  it('shows a synchronous ack body to the requester only', async () => {
    const reply = await slack.slashCommand({ user: 'U0BOB', command: '/vpn', text: 'help' });
    expect(reply.status).toBe(200);
    expect(slack.store.ephemerals('U0BOB').map((e) => e.text)).toEqual([
      'Usage: `/vpn status` · `/vpn scaleup <router>` · `/vpn add-peer`',
    ]);
    expect(slack.store.ephemerals('U0ALICE')).toEqual([]);
    expect(slack.store.messages('C0NETOPS')).toEqual([]);
  });

  it(
    'delivers a button click from another user; the ' +
      'bot edits the message and replies in the thread',
    async () => {
      await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'scaleup hub-tokyo-a' });
      const root = await waitFor(
        slack.store,
        () => slack.store.messages('C0NETOPS').find((m) => m.replyCount === 1),
        'the request and its first thread reply',
      );
      expect(slack.store.ephemerals('U0ALICE')[0]?.text).toContain('Planning a scale-up');

      const click = await slack.clickButton({
        user: 'U0BOB',
        channel: 'C0NETOPS',
        messageTs: root.ts,
        actionId: 'approve',
      });
      expect(click.status).toBe(200);
      await waitFor(
        slack.store,
        () => (slack.store.replies('C0NETOPS', root.ts).length === 2 ? true : undefined),
        'the approval reply',
      );
      const updated = slack.store.message('C0NETOPS', root.ts);
      expect(updated?.text).toBe('Approved by U0BOB');
      expect(JSON.stringify(updated?.blocks)).not.toContain('"actions"');
      expect(slack.store.replies('C0NETOPS', root.ts).at(-1)?.text).toContain(
        'approved by <@U0BOB>',
      );
    },
  );

  it('lets respond({ replace_original }) replace the clicked message', async () => {
    await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'scaleup hub-tokyo-b' });
    const root = await waitFor(
      slack.store,
      () => slack.store.messages('C0NETOPS').find((m) => m.replyCount === 1),
      'the request',
    );
    await slack.clickButton({ user: 'U0CAROL', messageTs: root.ts, actionId: 'reject' });
    const replaced = await waitFor(
      slack.store,
      () => {
        const m = slack.store.message('C0NETOPS', root.ts);
        return m?.text.startsWith(':x:') ? m : undefined;
      },
      'the rejected message',
    );
    expect(replaced.text).toBe(':x: Rejected by <@U0CAROL>');
    expect(replaced.blocks).toBeUndefined();
  });

  it(
    'opens a modal from the trigger, shows field ' + 'errors, then closes it and sends files by DM',
    async () => {
      await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'add-peer' });
      const view = await waitFor(
        slack.store,
        () => slack.store.viewStack('U0ALICE')[0],
        'the modal',
      );
      expect(view.view.callback_id).toBe('add_peer');

      // The bot may rewrite the open modal by id; a stale hash is refused as in Slack.
      const web = new WebClient(TOKEN, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        logger: silentSlackLogger,
      });
      const updated = await web.views.update({
        view_id: view.id,
        hash: view.hash,
        view: view.view as never,
      });
      expect(updated.view?.hash).not.toBe(view.hash);
      await expect(
        web.views.update({ view_id: view.id, hash: view.hash, view: view.view as never }),
      ).rejects.toMatchObject({
        data: { error: 'hash_conflict' },
      });

      const bad = await slack.submitView({
        user: 'U0ALICE',
        viewId: view.id,
        values: { name: 'bad name; rm -rf', region: 'ap-northeast-1', kind: 'wireguard' },
      });
      expect(bad.responseAction).toBe('errors');
      expect(bad.errors).toEqual({ name: 'Use letters, digits, - and _ only (e.g. alice-laptop)' });
      expect(slack.store.views.get(view.id)?.errors?.name).toContain('letters, digits');

      const good = await slack.submitView({
        user: 'U0ALICE',
        viewId: view.id,
        values: { name: { value: 'alice-laptop' }, region: 'ap-northeast-1', kind: 'wireguard' },
      });
      expect(good.status).toBe(200);
      expect(good.responseAction).toBeUndefined();
      expect(slack.store.viewStack('U0ALICE')).toEqual([]);
      const files = await waitFor(
        slack.store,
        () => {
          const f = slack.store.filesIn('D0ALICE');
          return f.length === 2 ? f : undefined;
        },
        'the DM files',
      );
      expect(files.map((f) => f.name)).toEqual(['alice-laptop.png', 'alice-laptop.conf']);
      expect(files[0]?.bytes.subarray(1, 4).toString()).toBe('PNG');
    },
  );

  it('a request signed with the wrong secret or an old timestamp is refused with 401', async () => {
    const wrong = await slack.slashCommand({
      user: 'U0ALICE',
      command: '/vpn',
      text: 'status',
      sign: { secret: 'not-the-secret' },
    });
    expect(wrong.status).toBe(401);
    const old = await slack.slashCommand({
      user: 'U0ALICE',
      command: '/vpn',
      text: 'status',
      sign: { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    });
    expect(old.status).toBe(401);
    const click = await slack.clickButton({
      user: 'U0BOB',
      messageTs: (await seedButton()).ts,
      actionId: 'approve',
      sign: { secret: 'nope' },
    });
    expect(click.status).toBe(401);
    // Nothing reached the channel; the person sees Slack's failure line instead.
    expect(
      slack.store
        .messages('C0NETOPS')
        .filter((m) => m.user === 'U0FLATNET' && m.text.includes('routers')),
    ).toEqual([]);
    expect(slack.store.ephemerals('U0ALICE').map((e) => e.text)).toEqual([
      '`/vpn` failed with the error "http_client_error"',
      '`/vpn` failed with the error "http_client_error"',
    ]);
  });

  it('tells the person when the bot is unreachable', async () => {
    slack.setBotUrl(undefined);
    const reply = await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'status' });
    expect(reply).toMatchObject({ status: 0, error: 'dispatch_failed' });
    expect(slack.store.ephemerals('U0ALICE')[0]?.text).toBe(
      '`/vpn` failed with the error "dispatch_failed"',
    );
  });

  it('refuses a click on a button the message does not have, naming the ones it has', async () => {
    const msg = await seedButton();
    await expect(
      slack.clickButton({ user: 'U0BOB', messageTs: msg.ts, actionId: 'launch-missiles' }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      hint: 'its buttons are: approve',
    });
  });
});

describe('trigger_id lifetime', () => {
  it('is single-use and expires after 3 s', () => {
    let now = 1_000_000;
    const book = new TriggerBook(() => now);
    const fresh = book.issue('U0ALICE');
    expect(book.consume(fresh)).toEqual({ user: 'U0ALICE' });
    expect(book.consume(fresh)).toEqual({ error: 'invalid_trigger_id' });
    const stale = book.issue('U0BOB');
    now += 3001;
    expect(book.consume(stale)).toEqual({ error: 'expired_trigger_id' });
  });
});

/** A bot message with an Approve button, posted straight into the store. */
async function seedButton(): Promise<{ ts: string }> {
  const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      channel: 'C0NETOPS',
      text: 'approve?',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: 'hub-tokyo-a',
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
    }),
  });
  return (await res.json()) as { ts: string };
}
