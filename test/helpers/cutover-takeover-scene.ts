/**
 * A failover whose worker dies mid-cutover, for real. `flatnet worker` runs in a child process
 * and takes the run; it is killed with SIGKILL the moment EC2 has answered its AssociateAddress:
 * the Elastic IP is on the standby and no route has moved (the child's next step needs the
 * standby's SSH, which this process, the world's, serves only after the kill). A second worker,
 * in this process, idle (paused) until the child holds the run, then takes it over when the
 * child's BullMQ lock lapses. Used by test/integration/cutover-takeover.test.ts and by
 * bench/cutover-takeover.ts (`cutover_takeover_ms`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMonitorRound } from '../../jobs/monitor.js';
import { loadInventory } from '../../src/config/load-inventory.js';
import type { MonitorSettings } from '../../src/config/monitor-schema.js';
import { createLogger } from '../../src/log.js';
import { runJobId } from '../../src/queue/run-queue.js';
import type { Run } from '../../src/runbook/types.js';
import { startSlackEmulator } from '../../src/sim/slack/start-slack-emulator.js';
import type { SlackEmulator } from '../../src/sim/slack/start-slack-emulator.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createWebClient } from '../../src/slack/create-web-client.js';
import { createSlackChat } from '../../src/slack/slack-chat.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { startBot, type BotHandle } from '../../src/wiring/start-bot.js';
import { redisUrl, uniquePrefix } from './redis.js';
import { waitUntil } from './wait-for.js';
import { cleanUpTestWorld } from './clean-up-test-world.js';

export const TAKEOVER_CHANNEL = 'C0NETOPS';
export const TAKEOVER_PRIMARY = 'hub-tokyo-a';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];
const secrets = { signingSecret: 'takeover-secret', botToken: 'xoxb-takeover' };

export interface TakeoverSceneOptions {
  ec2LatencyMs?: number;
  tunnelUpMs?: number;
  /** The monitor's settings (the `monitor` way of asking below). */
  monitor?: Partial<MonitorSettings>;
}

/**
 * Who asks for the failover: Alice by slash command (Bob approves), or the monitor (the
 * primary loses power; the bot's monitor rounds fail it over, policy auto, no approval).
 */
export type TakeoverAsker = 'slash' | 'monitor';

export interface TakeoverScene {
  world: World;
  slack: SlackEmulator;
  bot: BotHandle;
  /** The second worker (this process): paused until the child holds the run. */
  survivor: Runtime;
  prefix: string;
  /** Alice's failover (or the monitor's), Bob's approval, the kill, the takeover. */
  failOverKillingTheWorker(askedBy?: TakeoverAsker): Promise<TakeoverOutcome>;
  close(): Promise<void>;
}

export interface TakeoverOutcome {
  run: Run;
  /** How the child worker ended (SIGKILL). */
  childSignal: NodeJS.Signals | null;
  killedAt: number;
  /** When EC2 answered the ReplaceRoute that left no route on the primary (0: never). */
  repointedAt: number;
  /** AssociateAddress calls EC2 accepted, from either worker. */
  associations: number;
  /** ReplaceRoute calls EC2 accepted before the kill. */
  routesMovedBeforeKill: number;
  /** The routes that pointed at the primary before, and the standby's interface. */
  hubRoutes: number;
  standbyEni: string;
}

export async function startTakeoverScene(
  options: TakeoverSceneOptions = {},
): Promise<TakeoverScene> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-takeover-'));
  const prefix = uniquePrefix('takeover');
  const log = createLogger({ level: 'silent' });
  const world = await startWorld({
    dir,
    bootMs: 100,
    tunnelUpMs: options.tunnelUpMs ?? 100,
    ec2LatencyMs: options.ec2LatencyMs ?? 0,
  });
  const inventory = world.writeInventory(join(dir, 'flatnet.yml'));
  const loaded = loadInventory(inventory);
  loaded.inventory.monitor = {
    ...loaded.inventory.monitor,
    routers: { [TAKEOVER_PRIMARY]: { failover: 'auto' } },
    ...options.monitor,
  };
  const slack = await startSlackEmulator(secrets);
  const bot = await startBot({
    loaded,
    slack: { mode: 'http', ...secrets, slackApiUrl: slack.apiUrl },
    redisUrl,
    prefix,
    port: 0,
    host: '127.0.0.1',
    logger: log,
  });
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  const survivor = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: log,
    chat: createSlackChat(createWebClient(secrets.botToken, slack.apiUrl), log),
    worker: { concurrency: 2 },
  });
  await survivor.worker!.pause(true);
  let child: ChildProcess | undefined;

  const eniOf = (router: string) =>
    world.state.getInstance(world.router(router).instanceId)!.networkInterfaceId;
  const routesTo = (eni: string) =>
    [...world.state.routeTables.values()].flatMap((t) =>
      t.routes.filter((r) => r.networkInterfaceId === eni),
    ).length;

  async function failOverKillingTheWorker(
    askedBy: TakeoverAsker = 'slash',
  ): Promise<TakeoverOutcome> {
    const primaryEni = eniOf(TAKEOVER_PRIMARY);
    const standby = world.topology.routers.find((r) => r.name === TAKEOVER_PRIMARY)!.standby!;
    const standbyEni = eniOf(standby);
    const hubRoutes = routesTo(primaryEni);
    const worker = await startChildWorker(inventory, prefix, slack.apiUrl);
    child = worker;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      worker.once('exit', (_code, signal) => resolve(signal)),
    );
    let killedAt = 0;
    let repointedAt = 0;
    let associations = 0;
    let routesMovedBeforeKill = 0;
    world.state.on('request', (r: { action: string; status: number }) => {
      if (r.status !== 200) return;
      if (r.action === 'AssociateAddress') {
        associations++;
        // Synchronously, before this process serves the child's next SSH command.
        if (!killedAt) {
          worker.kill('SIGKILL');
          killedAt = Date.now();
        }
      }
      if (r.action === 'ReplaceRoute') {
        if (!killedAt) routesMovedBeforeKill++;
        if (!repointedAt && routesTo(primaryEni) === 0) repointedAt = Date.now();
      }
    });

    const engine = bot.runtime.engine;
    const runId = askedBy === 'slash' ? await askAsAlice() : await askAsTheMonitor();
    const runIs = (statuses: Run['status'][]) => async () => {
      const run = await engine.get(runId);
      return run && statuses.includes(run.status) ? run : undefined;
    };
    if (askedBy === 'slash') {
      await waitUntil('the failover plan', runIs(['awaiting-approval', ...FINAL]), 60_000);
      const decided = await engine.decide(runId, 'U0BOB', 'approve');
      if (!decided.ok) throw new Error(`Bob's approval was refused: ${JSON.stringify(decided)}`);
    }
    // The survivor waits until the child holds the run (nothing else could take it), so the
    // run is the child's and the survivor is already there, idle, when the child dies.
    const queue = bot.runtime.queue.queue;
    await waitUntil(
      'the child worker to take the run',
      async () => (await queue.getJobState(runJobId('exec', runId))) === 'active' || killedAt > 0,
      60_000,
    );
    await survivor.worker!.resume();
    const run = await waitUntil('the failover to end', runIs(FINAL), 60_000);
    const childSignal = await exited;
    if (!killedAt) throw new Error('the child worker never moved the Elastic IP');
    return {
      run,
      childSignal,
      killedAt,
      repointedAt,
      associations,
      routesMovedBeforeKill,
      hubRoutes,
      standbyEni,
    };
  }

  async function askAsAlice(): Promise<string> {
    const reply = await slack.slashCommand({
      user: 'U0ALICE',
      channel: TAKEOVER_CHANNEL,
      command: '/router',
      text: `failover ${TAKEOVER_PRIMARY}`,
    });
    const body = JSON.stringify(reply.json ?? reply.body);
    const runId = /Started (r-[a-z0-9]{6})/.exec(body)?.[1];
    if (!runId) throw new Error(`the failover did not start: ${body}`);
    return runId;
  }

  /** The primary loses power; rounds run (by hand, as the scheduler would) until one asks. */
  async function askAsTheMonitor(): Promise<string> {
    world.setRouterDown(TAKEOVER_PRIMARY, true, 'power');
    for (let round = 1; round <= loaded.inventory.monitor.failuresToAct; round++) {
      const outcome = await runMonitorRound(bot.runtime.monitor.deps, `takeover-${round}`);
      if (outcome.ran && outcome.failovers.includes(TAKEOVER_PRIMARY)) {
        const watch = (await bot.runtime.monitor.store.watches())[TAKEOVER_PRIMARY];
        if (watch?.incident?.runId) return watch.incident.runId;
      }
    }
    throw new Error('the monitor did not ask for a failover');
  }

  return {
    world,
    slack,
    bot,
    survivor,
    prefix,
    failOverKillingTheWorker,
    async close() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await survivor.close();
      await bot.stop();
      await slack.close();
      await world.close();
      await cleanUpTestWorld(prefix, dir);
    },
  };
}

/** `flatnet worker` as production runs it (through tsx), once it says it is running. */
async function startChildWorker(
  inventory: string,
  prefix: string,
  slackApiUrl: string,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'worker', '--config', inventory],
    {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        FLATNET_REDIS_PREFIX: prefix,
        SLACK_BOT_TOKEN: secrets.botToken,
        SLACK_API_URL: slackApiUrl,
        FLATNET_MONITOR: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flatnet worker not ready: ${seen}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('flatnet worker running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`flatnet worker exited with ${code}: ${seen}`));
    });
  });
  return child;
}
