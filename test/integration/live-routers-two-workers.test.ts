/**
 * One bot, two workers, one Slack: everything after a scale-up or a failover works without a
 * restart. Worker A replaces the hub; worker B, which had talked to the old instance before,
 * then runs every later command (status, router status, add-peer, failover, failback, a
 * second scale-up, a scale-down) against the instance A put in place. Each worker is paused
 * while the other works, so the test knows which process ran what (no timing decides it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load-inventory.js';
import { replacementSshIn } from '../../src/demo/start-demo.js';
import { createLogger } from '../../src/log.js';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import type { StatusReport } from '../../src/report/status-report.js';
import type { RouterFactsReport } from '../../src/router-status/read-router-facts.js';
import type { Run } from '../../src/runbook/types.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createWebClient } from '../../src/slack/create-web-client.js';
import { createSlackChat } from '../../src/slack/slack-chat.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { startBot, type BotHandle } from '../../src/wiring/start-bot.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';
import { cleanUpTestWorld } from '../helpers/clean-up-test-world.js';
import { settledAnswer } from '../helpers/slash-answer.js';

const CHANNEL = 'C0NETOPS';
const HUB = 'hub-tokyo-a';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];

// Every command flow in both ways Slack reaches a bot: Socket Mode (production's default) and
// signed HTTP requests.
describe.each(['socket', 'http'] as const)(
  'one bot and two workers after a scale-up and a failover, through Slack (%s mode)',
  (mode) => {
    const dir = mkdtempSync(join(tmpdir(), 'flatnet-live-'));
    const prefix = uniquePrefix('live');
    const logs: Record<'a' | 'b', string[]> = { a: [], b: [] };
    let world: World;
    let slack: SlackEmulator;
    let bot: BotHandle;
    const workers: Record<'a' | 'b', Runtime | undefined> = { a: undefined, b: undefined };

    const capture = (lines: string[]) =>
      createLogger(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      );

    beforeAll(async () => {
      world = await startWorld({ dir, tunnelUpMs: 100, bootMs: 100 });
      const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
      const secrets = { signingSecret: 'live-secret', botToken: 'xoxb-live' };
      const appToken = 'xapp-live';
      slack = await startSlackEmulator({ ...secrets, ...(mode === 'socket' ? { appToken } : {}) });
      bot = await startBot({
        loaded,
        slack:
          mode === 'socket'
            ? { mode, botToken: secrets.botToken, appToken, slackApiUrl: slack.apiUrl }
            : { mode, ...secrets, slackApiUrl: slack.apiUrl },
        redisUrl,
        prefix,
        port: 0,
        host: '127.0.0.1',
        logger: createLogger({ level: 'silent' }),
      });
      if (mode === 'http') slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
      for (const name of ['a', 'b'] as const) {
        const logger = capture(logs[name]);
        const runtime = await createRuntime({
          loaded,
          redisUrl,
          prefix,
          logger,
          chat: createSlackChat(createWebClient(secrets.botToken, slack.apiUrl), logger),
          worker: { concurrency: 2 },
          replacementSsh: replacementSshIn(world),
        });
        runtime.deps.scale.tunnelWait = { timeoutMs: 5_000, pollMs: 20 };
        workers[name] = runtime;
      }
    });
    afterAll(async () => {
      await bot?.stop();
      for (const w of Object.values(workers)) await w?.close();
      await slack?.close();
      await world?.close();
      await cleanUpTestWorld(prefix, dir);
    });

    /** Only `name`'s worker takes jobs from now on. */
    async function only(name: 'a' | 'b'): Promise<void> {
      const other = name === 'a' ? 'b' : 'a';
      await workers[other]!.worker!.pause();
      await workers[name]!.worker!.resume();
    }

    async function waitForRun(runId: string, statuses: Run['status'][] = FINAL): Promise<Run> {
      const until = Date.now() + 60_000;
      for (;;) {
        const run = await bot.runtime.engine.get(runId);
        if (run && statuses.includes(run.status)) return run;
        if (Date.now() > until)
          throw new Error(`run ${runId} did not reach ${statuses.join('/')} (now ${run?.status})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }

    /** A slash command as Alice; approved by Bob's click on the prompt when the policy asks. */
    async function ask(command: '/vpn' | '/router', text: string): Promise<Run> {
      const reply = await slack.slashCommand({ user: 'U0ALICE', channel: CHANNEL, command, text });
      // A --pubkey is checked after the ack: the answer replaces "Checking …".
      const body = await settledAnswer(slack.store, 'U0ALICE', reply);
      const runId = /Started (r-[a-z0-9]{6})/.exec(body)?.[1];
      expect(runId, body).toBeDefined();
      const planned = await waitForRun(runId!, ['awaiting-approval', ...FINAL]);
      if (planned.status !== 'awaiting-approval') return planned;
      // The reporter posts the prompt just after the run waits: look until it is there.
      const until = Date.now() + 10_000;
      let prompt;
      while (!prompt && Date.now() < until) {
        prompt = slack.store.allMessages(CHANNEL).find((m) => {
          const blocks = JSON.stringify(m.blocks ?? []);
          return blocks.includes(runId!) && blocks.includes('run_approve');
        });
        if (!prompt) await new Promise((r) => setTimeout(r, 25));
      }
      expect(prompt, `the approval prompt of ${runId}`).toBeDefined();
      const click = await slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        messageTs: prompt!.ts,
        actionId: 'run_approve',
      });
      expect(click.status).toBe(200);
      return waitForRun(runId!);
    }

    const succeeded = (run: Run) => {
      expect(run.error ?? run.outcome, run.outcome).toBe(run.outcome);
      expect(run.status, run.outcome).toBe('succeeded');
      return run;
    };
    const runningHubs = () =>
      [...world.state.instances.values()].filter(
        (i) => i.tags['Name'] === HUB && i.state === 'running',
      );

    it(
      'runs status, router status, add-peer, failover, ' +
        'failback, scale-up and scale-down on the other worker',
      async () => {
        // Both workers talk to the original hub first: their SSH pools hold sessions to it.
        for (const name of ['a', 'b'] as const) {
          await only(name);
          const status = succeeded(await ask('/vpn', `status ${HUB}`));
          expect((status.steps[0]?.result as unknown as StatusReport).routers[0]?.reachable).toBe(
            true,
          );
        }
        const original = world.router(HUB).instanceId;

        await only('a');
        const up = succeeded(await ask('/router', `scaleup ${HUB}`));
        const [replacement] = runningHubs();
        expect(runningHubs()).toHaveLength(1);
        expect(replacement!.instanceId).not.toBe(original);
        expect(world.state.getInstance(original)?.state).toMatch(/stopp/);
        // Nothing asks for an inventory edit: every process already uses the new instance.
        expect(up.outcome).not.toMatch(/update the inventory/);

        await only('b');
        const status = succeeded(await ask('/vpn', 'status'));
        const report = status.steps[0]?.result as unknown as StatusReport;
        expect(report.routers.find((r) => r.router === HUB)).toMatchObject({ reachable: true });
        expect(report.problems.filter((p) => p.where === HUB && p.severity === 'down')).toEqual([]);
        // B dropped its session to the instance that is gone.
        expect(logs.b.join('')).toContain('the router is reached elsewhere now');

        const routerStatus = succeeded(await ask('/router', `status ${HUB}`));
        const facts = routerStatus.steps[0]?.result as unknown as RouterFactsReport;
        expect(facts.instance).toMatchObject({ id: replacement!.instanceId, state: 'running' });

        const { publicKey } = generateWireguardKeyPair();
        succeeded(await ask('/vpn', `add-peer dana-laptop wireguard --pubkey ${publicKey}`));
        const hubLines = world.router(replacement!.instanceId).handle.router.activeLines();
        expect(hubLines.join('\n')).toContain('dana-laptop');

        succeeded(await ask('/router', `failover ${HUB}`));
        succeeded(await ask('/router', `failback ${HUB}`));

        const again = succeeded(await ask('/router', `scaleup ${HUB}`));
        const [third] = runningHubs();
        expect(third!.instanceId).not.toBe(replacement!.instanceId);
        expect(again.outcome).toContain(replacement!.instanceId);

        const down = succeeded(await ask('/router', `scaledown ${HUB}`));
        expect(runningHubs()).toHaveLength(1);
        expect(runningHubs()[0]!.instanceId).not.toBe(third!.instanceId);
        expect(down.outcome).toContain(third!.instanceId);
        // Every run after the first scale-up was B's: A never saw them.
        expect(logs.a.join('')).not.toContain(down.id);
      },
    );
  },
);
