/**
 * Socket Mode end to end: the emulator's side of the protocol against a raw WebSocket client
 * (tickets, hello, envelopes, acks, Slack's errors), then flatnet's real bot with Bolt's own
 * SocketModeReceiver: commands and clicks over the socket, a refresh asked by Slack, and the
 * socket dropped while a scale-up waits for its approval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Run } from '../../src/runbook/types.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const BOT_TOKEN = 'xoxb-socket-test';
const APP_TOKEN = 'xapp-socket-test';
const CHANNEL = 'C0NETOPS';

async function callApi(
  slack: SlackEmulator,
  method: string,
  token: string,
  body: Record<string, unknown> = {},
): Promise<{ ok: boolean; error?: string; url?: string }> {
  const response = await fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { ok: boolean; error?: string; url?: string };
}

/** A bare client: connects with a ticket URL and records what Slack sends. */
async function connect(url: string): Promise<{ ws: WebSocket; received: unknown[] }> {
  const ws = new WebSocket(url);
  const received: unknown[] = [];
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await waitFor(() => received.length > 0, 'the hello message');
  return { ws, received };
}

describe('the Slack emulator speaks Socket Mode as Slack does', () => {
  let slack: SlackEmulator;
  beforeAll(async () => {
    slack = await startSlackEmulator({
      signingSecret: 'unused',
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      ackTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('opens a connection only with the app-level token, and each ticket once', async () => {
    expect(await callApi(slack, 'apps.connections.open', BOT_TOKEN)).toMatchObject({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect(await callApi(slack, 'apps.connections.open', 'xapp-other')).toMatchObject({
      ok: false,
      error: 'invalid_auth',
    });
    // The app-level token is for the connection only: the Web API refuses it.
    expect(
      await callApi(slack, 'chat.postMessage', APP_TOKEN, { channel: CHANNEL, text: 'x' }),
    ).toMatchObject({ ok: false, error: 'not_allowed_token_type' });

    const opened = await callApi(slack, 'apps.connections.open', APP_TOKEN);
    expect(opened.ok).toBe(true);
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A0/);
    const { ws, received } = await connect(opened.url!);
    expect(received[0]).toMatchObject({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: 'A0FLATNET' },
    });
    ws.close();
    // A used ticket does not open a second connection.
    const again = new WebSocket(opened.url!);
    const refused = await new Promise<string>((resolve) => {
      again.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      again.once('open', () => resolve('open'));
      again.once('error', (err) => resolve(err.message));
    });
    expect(refused).toBe('401');
  });

  it(
    'delivers a command as an envelope and shows the ack; ' +
      'no ack is a timeout, no socket a dispatch failure',
    async () => {
      await waitFor(() => slack.socket!.openConnections === 0, 'the earlier socket to close');
      const lost = await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'status' });
      expect(lost.error).toBe('dispatch_failed');

      const { url } = await callApi(slack, 'apps.connections.open', APP_TOKEN);
      const { ws, received } = await connect(url!);
      // This client acks with an answer: Slack shows it to the person, as with an HTTP ack body.
      ws.on('message', (data: Buffer) => {
        const envelope = JSON.parse(data.toString()) as { envelope_id?: string; type: string };
        if (envelope.type === 'slash_commands')
          ws.send(
            JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'on it' } }),
          );
      });
      const answered = await slack.slashCommand({
        user: 'U0ALICE',
        command: '/vpn',
        text: 'status',
      });
      expect(answered).toMatchObject({ status: 200, json: { text: 'on it' } });
      const envelope = received.find((m) => (m as { type?: string }).type === 'slash_commands') as {
        payload: Record<string, string>;
        accepts_response_payload: boolean;
      };
      expect(envelope.accepts_response_payload).toBe(true);
      expect(envelope.payload).toMatchObject({
        command: '/vpn',
        text: 'status',
        user_id: 'U0ALICE',
        team_id: 'T0FLATNET',
        channel_id: CHANNEL,
      });
      expect(slack.store.ephemerals('U0ALICE').some((e) => e.text === 'on it')).toBe(true);
      ws.removeAllListeners('message');

      // A connection that never acks: the person is told, in Slack's words.
      const silent = await slack.slashCommand({ user: 'U0ALICE', command: '/vpn', text: 'peers' });
      expect(silent.error).toBe('operation_timeout');
      expect(
        slack.store
          .ephemerals('U0ALICE')
          .some((e) => e.text.includes('failed with the error "operation_timeout"')),
      ).toBe(true);
      ws.close();
    },
  );
});

describe('flatnet over Socket Mode (Bolt SocketModeReceiver against the emulator)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ label: 'socket', slackMode: 'socket' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const runIdOf = (reply: { json?: unknown; body: string }) =>
    /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json ?? reply.body))?.[1];

  async function runOf(runId: string, statuses: Run['status'][]): Promise<Run> {
    return waitFor(
      async () => {
        const run = await stack.bot.runtime.engine.get(runId);
        return run && statuses.includes(run.status) ? run : undefined;
      },
      `run ${runId} to be ${statuses.join('/')}`,
      60_000,
    );
  }

  it('acknowledges a command over the socket and runs it', async () => {
    expect(stack.slack.socket!.openConnections).toBe(1);
    const reply = await stack.slack.slashCommand({
      user: 'U0ALICE',
      channel: CHANNEL,
      command: '/vpn',
      text: 'status',
    });
    expect(reply.status).toBe(200);
    const runId = runIdOf(reply);
    expect(runId, JSON.stringify(reply)).toBeDefined();
    expect((await runOf(runId!, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('reconnects when Slack asks for a refresh, and the next command is delivered', async () => {
    const before = stack.slack.socket!.connectionsOpened;
    stack.slack.socket!.requestRefresh();
    await waitFor(
      () => stack.slack.socket!.connectionsOpened > before && stack.slack.socket!.openConnections,
      'the bot to reconnect after refresh_requested',
    );
    const reply = await stack.slack.slashCommand({
      user: 'U0ALICE',
      channel: CHANNEL,
      command: '/router',
      text: 'help',
    });
    expect(reply.status).toBe(200);
  });

  it(
    'loses the socket while a scale-up waits for ' +
      'approval, reconnects, and the approval runs it',
    async () => {
      const router = 'spoke-oregon';
      const reply = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: CHANNEL,
        command: '/router',
        text: `scaleup ${router}`,
      });
      const runId = runIdOf(reply);
      expect(runId, JSON.stringify(reply)).toBeDefined();
      await runOf(runId!, ['awaiting-approval']);
      const prompt = await waitFor(
        () =>
          stack.slack.store.allMessages(CHANNEL).find((m) => {
            const blocks = JSON.stringify(m.blocks ?? []);
            return blocks.includes(runId!) && blocks.includes('run_approve');
          }),
        'the approval prompt',
      );

      const before = stack.slack.socket!.connectionsOpened;
      stack.slack.socket!.dropConnections();
      // While the bot is away, Slack cannot deliver: the person sees it at once (nothing queued).
      const meanwhile = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: CHANNEL,
        command: '/vpn',
        text: 'status',
      });
      expect(meanwhile.error).toBe('dispatch_failed');
      await waitFor(
        () => stack.slack.socket!.connectionsOpened > before && stack.slack.socket!.openConnections,
        'the bot to reconnect after the socket dropped',
      );

      const click = await stack.slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        messageTs: prompt.ts,
        actionId: 'run_approve',
      });
      expect(click.status).toBe(200);
      const done = await runOf(runId!, ['succeeded', 'failed', 'rolled-back']);
      expect(done.status, done.error ?? done.outcome).toBe('succeeded');
      // The thread tells the whole story up to the outcome, posted after the reconnect too.
      const threadTs = prompt.threadTs ?? prompt.ts;
      await waitFor(() => {
        const text = JSON.stringify(stack.slack.store.replies(CHANNEL, threadTs));
        return text.includes(done.outcome!.slice(0, 40)) ? text : undefined;
      }, 'the outcome in the thread');
    },
  );
});
