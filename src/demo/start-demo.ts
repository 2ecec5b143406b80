/**
 * `flatnet demo` in one call: Redis (found or started), the simulated world with timings a
 * person can watch, its inventory, the local Slack, and the real bot with in-process workers,
 * all on loopback. Slack reaches the bot over Socket Mode, as in production by default (the
 * bot dials the emulator's socket; nothing listens for Slack); `slackMode: 'http'` has the
 * emulator POST signed requests to the bot's /slack/events instead. The handle's `stop()`
 * undoes exactly what this start did, in reverse, and deletes the demo's own Redis keys (a
 * per-demo prefix), nothing else.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadInventory } from '../config/load-inventory.js';
import { createLogger, type Logger } from '../log.js';
import { createRedisConnection } from '../queue/create-redis-connection.js';
import { startSlackEmulator, type SlackEmulator } from '../sim/slack/start-slack-emulator.js';
import { startControlServer } from '../sim/world/control-server.js';
import { startWorld, type World, type WorldOptions } from '../sim/world/start-world.js';
import { startBot, type BotHandle } from '../wiring/start-bot.js';
import { dropRedisPrefix } from './drop-redis-prefix.js';
import { findDemoRedis, type DemoRedis, type FindRedisOptions } from './find-demo-redis.js';
import { waitFor } from '../util/wait-for.js';

/** Slow enough to watch a scale-up in the page, fast enough to finish in well under a minute. */
export const DEMO_TIMINGS = { bootMs: 3_000, tunnelUpMs: 1_500 } as const;

export interface DemoOptions {
  /**
   * Where the keys and the inventory go; a per-demo directory is made inside. Default
   * `.flatnet/demo`.
   */
  dir?: string;
  /** Port of the Slack page; taken when free, else a random one. Default 0 (random). */
  port?: number;
  redis?: FindRedisOptions;
  world?: Partial<Omit<WorldOptions, 'dir' | 'inventoryPath'>>;
  /** Serve the BullMQ dashboard at /admin/queues on the bot (user `flatnet`). */
  dashboardPassword?: string;
  logger?: Logger;
  /** Called with each stage as it becomes ready (the CLI shows progress). */
  onStage?: (stage: string) => void;
  /** How Slack reaches the bot: `socket` (default, as in production) or `http`. */
  slackMode?: 'socket' | 'http';
}

export interface DemoHandle {
  /** The Slack page, e.g. `http://127.0.0.1:3300/`. */
  url: string;
  /** The bot's own port: `/healthz`, `/metrics`, `/admin/queues`; `/slack/events` in HTTP mode. */
  botUrl: string;
  /** The world's control API (src/sim/world/README.md): stop routers, force tunnels down, … */
  controlUrl: string;
  redis: { url: string; source: DemoRedis['source'] };
  prefix: string;
  inventoryPath: string;
  slackMode: 'socket' | 'http';
  slack: SlackEmulator;
  world: World;
  bot: BotHandle;
  /** How long startDemo took, in ms. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Where a freshly launched instance answers SSH. Production dials its private IP; every
 * simulated router listens on loopback, and its SSH server appears a moment after
 * RunInstances returns, so ask the world until it knows (bounded).
 */
export function replacementSshIn(
  world: World,
  timeoutMs = 30_000,
): (instance: { instanceId: string }) => Promise<{ host: string; port: number }> {
  return async (instance) => {
    const endpoint = await waitFor(() => world.resolveSsh(instance.instanceId), {
      what: `the simulated world's SSH server for ${instance.instanceId}`,
      timeoutMs,
      intervalMs: 50,
    });
    return { host: endpoint.host, port: endpoint.port };
  };
}

async function startSlackOnPreferredPort(
  port: number,
  secrets: { signingSecret: string; botToken: string; appToken?: string },
): Promise<SlackEmulator> {
  try {
    return await startSlackEmulator({ port, ...secrets });
  } catch (err) {
    // A second demo, or anything else on the preferred port: a random one works as well.
    if (port !== 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      return startSlackEmulator({ port: 0, ...secrets });
    throw err;
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<DemoHandle> {
  const started = performance.now();
  const stage = options.onStage ?? (() => {});
  const logger =
    options.logger ??
    createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'flatnet-demo' }, process.stderr);
  const id = randomBytes(4).toString('hex');
  const prefix = `flatnet-demo-${id}`;
  const dir = resolve(options.dir ?? '.flatnet/demo', id);
  // Per-demo secrets, shared only between this bot and this emulator.
  const secrets = {
    signingSecret: randomBytes(24).toString('hex'),
    botToken: `xoxb-demo-${randomBytes(12).toString('hex')}`,
  };
  const slackMode = options.slackMode ?? 'socket';
  const appToken = `xapp-demo-${randomBytes(12).toString('hex')}`;

  // Everything started so far, stopped in reverse if a later stage fails or on stop().
  const undo: (() => Promise<void>)[] = [];
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse())
      await step().catch((err: unknown) =>
        logger.warn({ err }, 'demo: a part did not stop cleanly'),
      );
    undo.length = 0;
  };

  try {
    const redis = await findDemoRedis(options.redis);
    undo.push(() => redis.stop());
    const how = redis.source === 'private' ? 'started (private redis-server)' : 'found';
    stage(`redis ${how} at ${redis.url}`);

    mkdirSync(dir, { recursive: true });
    undo.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const inventoryPath = join(dir, 'flatnet.yml');
    const world = await startWorld({ ...DEMO_TIMINGS, ...options.world, dir, inventoryPath });
    undo.push(() => world.close());
    stage(`simulated world: ${world.routers().length} routers, EC2 at ${world.ec2Url}`);

    const slack = await startSlackOnPreferredPort(options.port ?? 0, {
      ...secrets,
      ...(slackMode === 'socket' ? { appToken } : {}),
    });
    undo.push(() => slack.close());
    // The knobs: the page's panel reaches them through the emulator (/control/*).
    const control = await startControlServer(world);
    undo.push(() => control.close());
    slack.setControlUrl(control.url);

    // The demo's own connection, for deleting its keys at the end.
    const own = await createRedisConnection(redis.url, 'worker');
    undo.push(async () => {
      await dropRedisPrefix(own, prefix);
      own.disconnect();
    });

    const bot = await startBot({
      loaded: loadInventory(inventoryPath),
      slack:
        slackMode === 'socket'
          ? { mode: 'socket', botToken: secrets.botToken, appToken, slackApiUrl: slack.apiUrl }
          : { mode: 'http', ...secrets, slackApiUrl: slack.apiUrl },
      redisUrl: redis.url,
      prefix,
      port: 0,
      host: '127.0.0.1',
      logger,
      worker: { concurrency: 8 },
      ...(options.dashboardPassword ? { dashboardPassword: options.dashboardPassword } : {}),
      runtime: { replacementSsh: replacementSshIn(world) },
    });
    undo.push(() => bot.stop());
    const botUrl = `http://127.0.0.1:${bot.port}`;
    if (slackMode === 'socket') {
      stage(`bot connected over Socket Mode, with in-process workers (ops routes at ${botUrl})`);
    } else {
      slack.setBotUrl(`${botUrl}/slack/events`);
      stage(`bot listening at ${botUrl}/slack/events with in-process workers`);
    }

    return {
      url: slack.url,
      botUrl,
      controlUrl: control.url,
      redis: { url: redis.url, source: redis.source },
      prefix,
      inventoryPath,
      slackMode,
      slack,
      world,
      bot,
      readyMs: Math.round(performance.now() - started),
      stop: unwind,
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
