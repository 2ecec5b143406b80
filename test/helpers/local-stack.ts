/**
 * The whole local stack for integration tests: the simulated world, the local Slack, and the
 * real bot in HTTP mode with in-process workers, on a unique Redis prefix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadInventory } from '../../src/config/load-inventory.js';
import { createLogger } from '../../src/log.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/sim/slack/start-slack-emulator.js';
import { startWorld, type World, type WorldOptions } from '../../src/sim/world/start-world.js';
import { startBot, type BotHandle } from '../../src/wiring/start-bot.js';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from './redis.js';

export interface LocalStack {
  world: World;
  slack: SlackEmulator;
  bot: BotHandle;
  prefix: string;
  /** Every log line the bot and workers wrote (to prove no secret reaches a log). */
  logLines: string[];
  close(): Promise<void>;
}

export async function startLocalStack(worldOptions: Partial<WorldOptions> = {}): Promise<LocalStack> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-stack-'));
  const prefix = uniquePrefix('stack');
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
  const world = await startWorld({ dir, tunnelUpMs: 100, bootMs: 100, ...worldOptions });
  const inventoryPath = world.writeInventory(join(dir, 'flatnet.yml'));
  const signingSecret = 'test-signing-secret';
  const botToken = 'xoxb-test-token';
  const slack = await startSlackEmulator({ signingSecret, botToken });
  const bot = await startBot({
    loaded: loadInventory(inventoryPath),
    slack: { mode: 'http', botToken, signingSecret, slackApiUrl: slack.apiUrl },
    redisUrl,
    prefix,
    port: 0,
    host: '127.0.0.1',
    logger,
    worker: { concurrency: 4 },
  });
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
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
      const redis = testRedis();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
