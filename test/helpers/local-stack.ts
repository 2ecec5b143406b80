/**
 * The whole local stack for integration tests: the simulated world, the local Slack, and the
 * real bot (HTTP mode, or Socket Mode over the emulator's socket) with in-process workers, on
 * a unique Redis prefix, with every log line captured (to prove no secret reaches a log).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { loadInventory, type LoadedInventory } from '../../src/config/load-inventory.js';
import { replacementSshIn } from '../../src/demo/start-demo.js';
import { createLogger, type Logger } from '../../src/log.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { startWorld, type World, type WorldOptions } from '../../src/sim/world/start-world.js';
import type { RouterPool } from '../../src/vyos/router-pool.js';
import type { RedisSetting } from '../../src/queue/redis-target.js';
import type { ReplicaAck } from '../../src/runbook/replica-ack.js';
import { startBot, type BotHandle } from '../../src/wiring/start-bot.js';
import { redisUrl, uniquePrefix } from './redis.js';
import { cleanUpTestWorld } from './clean-up-test-world.js';

export interface LocalStack {
  world: World;
  slack: SlackEmulator;
  bot: BotHandle;
  prefix: string;
  /** Every log line the bot and workers wrote. */
  logLines: string[];
  close(): Promise<void>;
}

export interface LocalStackOptions {
  world?: Partial<WorldOptions>;
  workerConcurrency?: number;
  /** Replace the router pool (e.g. one that records every line sent into a session). */
  routers?: (loaded: LoadedInventory, logger: Logger) => RouterPool;
  label?: string;
  /** How Slack reaches the bot (default HTTP; Socket Mode is what production defaults to). */
  slackMode?: 'http' | 'socket';
  /** Another Redis than the shared test server (the HA tests: Sentinel, Cluster). */
  redis?: RedisSetting;
  /** The key prefix (default a unique one; a Cluster needs it in braces). */
  prefix?: string;
  /** Replicas that must hold a guarded write (REDIS_WAIT_REPLICAS; default by Redis mode). */
  replicaAck?: ReplicaAck;
  /** How long a command waits for a new Redis master before it is refused (default 2 s). */
  failoverWaitMs?: number;
  /** Edit the inventory the world wrote before the bot starts (e.g. add `sites:`). */
  inventory?: (inventory: Inventory) => void;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dir = mkdtempSync(join(tmpdir(), `flatnet-${options.label ?? 'stack'}-`));
  const prefix = options.prefix ?? uniquePrefix(options.label ?? 'stack');
  const logLines: string[] = [];
  const logger = createLogger(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  const world = await startWorld({ dir, tunnelUpMs: 100, bootMs: 100, ...options.world });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  options.inventory?.(loaded.inventory);
  const signingSecret = 'test-signing-secret';
  const botToken = 'xoxb-test-token';
  const socketMode = options.slackMode === 'socket';
  const appToken = 'xapp-test-token';
  const slack = await startSlackEmulator({
    signingSecret,
    botToken,
    ...(socketMode ? { appToken } : {}),
  });
  const bot = await startBot({
    loaded,
    slack: socketMode
      ? { mode: 'socket', botToken, appToken, slackApiUrl: slack.apiUrl }
      : { mode: 'http', botToken, signingSecret, slackApiUrl: slack.apiUrl },
    redisUrl: options.redis ?? redisUrl,
    prefix,
    port: 0,
    host: '127.0.0.1',
    logger,
    worker: { concurrency: options.workerConcurrency ?? 4 },
    runtime: {
      // A replacement instance answers SSH on the world's loopback, as in the demo.
      replacementSsh: replacementSshIn(world),
      ...(options.routers ? { routers: options.routers(loaded, logger) } : {}),
      ...(options.replicaAck ? { replicaAck: options.replicaAck } : {}),
      ...(options.failoverWaitMs ? { failoverWaitMs: options.failoverWaitMs } : {}),
    },
  });
  if (!socketMode) slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  return {
    world,
    slack,
    bot,
    prefix,
    logLines,
    async close() {
      await bot.stop();
      await slack.close();
      await world.close();
      await cleanUpTestWorld(prefix, dir);
    },
  };
}
