/**
 * Issue 10 §3, the residual window closed: Slack is answered first ("Checking … before
 * starting r-…"), then a `--pubkey` is compared with every router, however long they take, and
 * only then is a run recorded. A router that does not answer is compared with the public keys
 * it gave when last read (kept in Redis). Each refusal leaves the key in no Redis key of the
 * prefix, no log line, no version of any Slack message and no router session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpPrefix } from '../helpers/redis.js';
import { recordSlack, type SlackRecording } from '../helpers/record-slack.js';
import { ackedEphemeral } from '../helpers/slash-answer.js';
import { waitFor } from '../helpers/wait-for.js';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import {
  CHANNEL,
  deviceOnOregon,
  startOnboardingStack,
  type OnboardingStack,
} from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

const CACHE = () => `${stack.prefix}:wireguard-public-keys`;

/** What a refusal must leave behind: nothing holding the key, and no run. */
async function expectNoTrace(
  secret: string,
  since: { lines: number; sent: number; runs: number; slack: SlackRecording },
): Promise<void> {
  since.slack.stop();
  expect(since.slack.text()).not.toContain(secret);
  expect(stack.logLines.slice(since.lines).join('')).not.toContain(secret);
  expect(stack.sent.slice(since.sent).join('\n')).not.toContain(secret);
  expect(await dumpPrefix(stack.bot.runtime.redis, stack.prefix)).not.toContain(secret);
  expect(await stack.bot.runtime.engine.store.list({ limit: 1000 })).toHaveLength(since.runs);
}

async function mark() {
  return {
    lines: stack.logLines.length,
    sent: stack.sent.length,
    runs: (await stack.bot.runtime.engine.store.list({ limit: 1000 })).length,
    slack: recordSlack(stack.slack.store),
  };
}

/** A peer with a fresh public key, run to its end: its check reads (and keeps) every router. */
async function addWithPublicKey(name: string): Promise<void> {
  const device = generateWireguardKeyPair();
  const asked = await stack.vpn('U0ALICE', `add-peer ${name} --pubkey ${device.publicKey}`);
  expect(asked.runId, asked.reply).toBeDefined();
  expect((await stack.waitForRun(asked.runId!)).status).toBe('succeeded');
}

describe('a --pubkey is checked after the ack, against every router', () => {
  it(
    'acknowledges at once, then refuses a private key held by a router that answers only ' +
      'after more than a second, with no record, log line or Slack trace',
    async () => {
      // The bot's sessions are open, as in production (it opens them at start; here a first
      // check does): a read is then one exchange, not a handshake of ten round trips.
      await addWithPublicKey('warm-up');
      // Added after that read: only a read now finds it, not the kept keys.
      const lab = deviceOnOregon(stack, 'lab-slow', '10.251.0.20/32');
      const since = await mark();
      // Every router is 1.5 s of round trip away: one exchange, the config read, takes longer
      // than the second the check used to wait for before answering Slack.
      stack.world.setSshLatency(1500);
      try {
        const reply = await stack.slack.slashCommand({
          user: 'U0ALICE',
          channel: CHANNEL,
          command: '/vpn',
          text: `add-peer slowpoke --pubkey ${lab.privateKey}`,
        });
        const ack = JSON.stringify(reply.json);
        expect(ack).toMatch(/Checking --pubkey against every router's WireGuard keys/);
        expect(ack).not.toContain(lab.privateKey);
        const answer = ackedEphemeral(stack.slack.store, 'U0ALICE', reply);
        const refused = await waitFor(
          () => !answer().text.startsWith('Checking') && answer(),
          'the refusal',
        );
        expect(refused.text).toMatch(/private half of peer lab-slow's key on spoke-oregon/);
        expect(JSON.stringify(refused.blocks)).toMatch(
          /remove-peer lab-slow --router spoke-oregon/,
        );
      } finally {
        stack.world.setSshLatency(0);
      }
      await expectNoTrace(lab.privateKey, since);
    },
  );

  it(
    'refuses a private key held by a router that is down, from the public keys it gave when ' +
      'last read; Redis keeps only public keys',
    async () => {
      const lab = deviceOnOregon(stack, 'lab-down', '10.251.0.21/32');
      // A read while it answers (any `--pubkey` check reads every router) keeps its keys.
      await addWithPublicKey('fine-one');
      const kept = await stack.bot.runtime.redis.hget(CACHE(), 'spoke-oregon');
      expect(kept).toContain(lab.publicKey);
      const hubPrivate = stack.world
        .router('hub-tokyo-a')
        .handle.router.active.value('interfaces wireguard wg0 private-key')!;
      expect(await dumpPrefix(stack.bot.runtime.redis, stack.prefix)).not.toContain(hubPrivate);

      const since = await mark();
      stack.world.setRouterDown('spoke-oregon', true, 'power');
      try {
        const asked = await stack.vpn('U0ALICE', `add-peer downtown --pubkey ${lab.privateKey}`);
        expect(asked.runId, asked.reply).toBeUndefined();
        expect(asked.reply).toMatch(/private half of peer lab-down's key on spoke-oregon/);
        expect(asked.reply).not.toContain(lab.privateKey);
      } finally {
        stack.world.setRouterDown('spoke-oregon', false, 'power');
      }
      await expectNoTrace(lab.privateKey, since);
      expect(stack.logLines.slice(since.lines).join('')).toMatch(
        /router did not give its WireGuard keys/,
      );
    },
  );

  it(
    'starts the run when a router never read does not answer, and the thread names the ' +
      'router whose keys were not compared',
    async () => {
      await stack.bot.runtime.redis.hdel(CACHE(), 'spoke-oregon');
      const slack = recordSlack(stack.slack.store);
      stack.world.setRouterDown('spoke-oregon', true, 'power');
      try {
        const device = generateWireguardKeyPair();
        const asked = await stack.vpn('U0ALICE', `add-peer unseen --pubkey ${device.publicKey}`);
        expect(asked.runId, asked.reply).toBeDefined();
        const run = await stack.waitForRun(asked.runId!);
        expect(run.status, run.outcome).toBe('succeeded');
        await waitFor(
          () => /not compared on [^(]*spoke-oregon[^(]* \(no answer, never read/.test(slack.text()),
          'the thread naming spoke-oregon',
        );
      } finally {
        stack.world.setRouterDown('spoke-oregon', false, 'power');
        slack.stop();
      }
    },
  );

  it(
    'a private key held by a router never read and not answering on arrival is refused in ' +
      'the plan step and dropped from the record; the thread never showed it',
    async () => {
      const lab = deviceOnOregon(stack, 'lab-late', '10.251.0.22/32');
      await stack.bot.runtime.redis.hdel(CACHE(), 'spoke-oregon');
      const linesBefore = stack.logLines.length;
      const slack = recordSlack(stack.slack.store);
      // spoke-oregon misses the arrival read, and answers the plan step's.
      stack.faults.configReadFails.add('spoke-oregon');
      const asked = await stack.vpn('U0ALICE', `add-peer p5 --pubkey ${lab.privateKey}`);
      expect(stack.faults.configReadFails.size).toBe(0);
      expect(asked.runId, asked.reply).toBeDefined();
      const run = await stack.waitForRun(asked.runId!);
      expect(run.status).toBe('failed');
      expect(run.outcome).toMatch(/private half of peer lab-late's key on spoke-oregon/);
      expect(run.params).toEqual({ router: 'hub-tokyo-a' });
      await waitFor(
        () => slack.text().includes('private half of peer lab-late'),
        'the refusal in the thread',
      );
      slack.stop();
      expect(asked.reply).not.toContain(lab.privateKey);
      expect(slack.text()).not.toContain(lab.privateKey);
      expect(await dumpPrefix(stack.bot.runtime.redis, stack.prefix)).not.toContain(lab.privateKey);
      expect(stack.logLines.slice(linesBefore).join('')).not.toContain(lab.privateKey);
    },
  );
});

describe('a failure after the ack', () => {
  it('is answered to the person, naming the run, and logged once with its stack', async () => {
    const { slash } = stack.bot.runtime;
    const engine = slash.engine;
    slash.engine = { submit: () => Promise.reject(new Error('the record could not be written')) };
    const linesBefore = stack.logLines.length;
    try {
      const reply = await stack.slack.slashCommand({
        user: 'U0BOB',
        channel: CHANNEL,
        command: '/vpn',
        text: 'status',
      });
      const runId = /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json))?.[1];
      expect(runId).toBeDefined();
      const answer = ackedEphemeral(stack.slack.store, 'U0BOB', reply);
      const failed = await waitFor(
        () => answer().text.includes('could not start') && answer(),
        'the failure, in place of the ack',
      );
      expect(failed.text).toContain(`flatnet could not start ${runId}`);
      expect(failed.text).toContain('the record could not be written');
      const logged = stack.logLines
        .slice(linesBefore)
        .filter((l) => l.includes('the record could not be written'));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!)).toMatchObject({
        runId,
        err: { stack: expect.stringContaining('Error: the record could not be written') },
      });
    } finally {
      slash.engine = engine;
    }
  });
});
