/**
 * Issue 10 §4, through the Slack emulator and the real bot: requests from another workspace
 * are refused; an approval click decides only the run whose prompt was clicked (the run id
 * comes from the stored prompt, not from the button's value); a second scale-up of a router
 * whose first one waits for approval is refused, naming the waiting run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import type { Run } from '../../src/runbook/types.js';
import { silentSlackLogger } from '../../src/sim/slack/start-sample-bot.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { ackedEphemeral } from '../helpers/slash-answer.js';
import { signSlackRequest } from '../../src/sim/slack/sign-slack-request.js';

const CHANNEL = 'C0NETOPS';
const ROUTER = 'spoke-oregon';

describe('Slack requests flatnet must refuse', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ label: 'guarded' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const runOf = (id: string) => stack.bot.runtime.engine.get(id);
  const startedId = (reply: { json?: unknown; body?: string }) =>
    /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json ?? reply.body))?.[1];
  const waitForStatus = (id: string, status: Run['status']) =>
    waitFor(
      async () => ((await runOf(id))?.status === status ? true : undefined),
      `${id} ${status}`,
    );
  const promptOf = (runId: string) =>
    waitFor(
      () =>
        stack.slack.store.allMessages(CHANNEL).find((m) => {
          const blocks = JSON.stringify(m.blocks ?? []);
          return blocks.includes(runId) && blocks.includes('run_approve');
        }),
      `the approval prompt of ${runId}`,
    );

  it('refuses a slash command from another workspace: acknowledged, nothing started', async () => {
    const before = await stack.bot.runtime.engine.store.list({ limit: 100 });
    const reply = await stack.slack.slashCommand({
      user: 'U0ALICE',
      channel: CHANNEL,
      command: '/router',
      text: `scaleup ${ROUTER}`,
      fromTeam: 'T0STRANGER',
    });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.json ?? reply.body)).toContain(
      'This flatnet is installed in another Slack workspace',
    );
    expect(startedId(reply)).toBeUndefined();
    expect(await stack.bot.runtime.engine.store.list({ limit: 100 })).toHaveLength(before.length);
    expect(stack.logLines.join('')).toContain('refused a Slack request from another workspace');
  });

  it(
    'decides only the run whose prompt was clicked, ' + 'and refuses a second scale-up meanwhile',
    async () => {
      const first = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: CHANNEL,
        command: '/router',
        text: `scaleup ${ROUTER}`,
      });
      const runId = startedId(first)!;
      expect(runId).toBeDefined();
      await waitForStatus(runId, 'awaiting-approval');
      const prompt = await promptOf(runId);

      // A second scale-up now would run on a stale plan: refused, naming the waiting run.
      const second = await stack.slack.slashCommand({
        user: 'U0CAROL',
        channel: CHANNEL,
        command: '/router',
        text: `scaleup ${ROUTER}`,
      });
      // Slack is answered first ("Started r-…"); the check needs Redis, so its refusal
      // replaces that answer right after.
      const secondId = startedId(second)!;
      const secondSaid = ackedEphemeral(stack.slack.store, 'U0CAROL', second);
      const refusal = JSON.stringify(
        await waitFor(
          () => !secondSaid().text.startsWith('Started') && secondSaid(),
          'the refusal',
        ),
      );
      expect(await stack.bot.runtime.engine.get(secondId)).toBeUndefined();
      expect(refusal).toContain(`${ROUTER} already has scaleup ${runId}`);
      expect(refusal).toContain('waits for approval');

      // A button carrying the run id, on another message (copied or crafted): decides nothing.
      const web = new WebClient('xoxb-test-token', {
        slackApiUrl: stack.slack.apiUrl,
        logger: silentSlackLogger,
      });
      const crafted = await web.chat.postMessage({
        channel: CHANNEL,
        text: 'approve me',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'run_approve',
                text: { type: 'plain_text', text: 'Approve' },
                value: runId,
              },
            ],
          },
        ],
      });
      const click = await stack.slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        messageTs: crafted.ts!,
        actionId: 'run_approve',
      });
      expect(click.status).toBe(200);
      const answer = await waitFor(
        () =>
          stack.slack.store
            .ephemerals('U0BOB', CHANNEL)
            .find((m) => (m.text ?? '').includes('not on a flatnet approval prompt')),
        "the clicker's private answer",
      );
      expect(answer.text).toContain('nothing was decided');
      expect((await runOf(runId))?.status).toBe('awaiting-approval');

      // A click from another workspace on the real prompt: refused as well.
      await stack.slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        messageTs: prompt.ts,
        actionId: 'run_approve',
        fromTeam: 'T0STRANGER',
      });
      expect((await runOf(runId))?.status).toBe('awaiting-approval');

      // The real prompt decides its own run (rejected here: nothing to launch in this test).
      await stack.slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        messageTs: prompt.ts,
        actionId: 'run_reject',
      });
      await waitForStatus(runId, 'rejected');
    },
  );
});

describe('signed junk at /slack/events', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ label: 'junk' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (body: string, timestamp = Math.floor(Date.now() / 1000)) => {
    const res = await fetch(`http://127.0.0.1:${stack.bot.port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest('test-signing-secret', timestamp, body),
      },
      body,
    });
    return res.status;
  };

  it(
    'answers 400 to a signed payload=null or a ' + 'payload that is not JSON, and keeps serving',
    async () => {
      expect(await post('payload=null')).toBe(400);
      expect(await post('payload=%7Bnot-json')).toBe(400);
      expect(await post('payload=%5B1%2C2%5D')).toBe(400);
      const reply = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: CHANNEL,
        command: '/vpn',
        text: 'help',
      });
      expect(reply.status).toBe(200);
    },
  );

  it('refuses a timestamp more than five minutes in the future, as in the past', async () => {
    const body = 'command=%2Fvpn&text=help&user_id=U0ALICE&channel_id=C0NETOPS&team_id=T0FLATNET';
    const now = Math.floor(Date.now() / 1000);
    expect(await post(body, now + 3600)).toBe(401);
    expect(await post(body, now - 3600)).toBe(401);
  });
});
