/**
 * Resident memory of an idle bot and an idle worker, as production runs them: two processes
 * of the compiled CLI, bot in HTTP mode against the local Slack, worker connected to Redis,
 * both idle for a few seconds. The figure is the sum of both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackEmulator } from '../src/sim/slack/start-slack-emulator.js';
import { startWorld } from '../src/sim/world/start-world.js';
import type { BenchResult } from './result.js';
import { buildOnce, rssMb, spawnFlatnet, stopProcess, freePort } from './spawn-flatnet.js';

export async function benchIdleRss(redisUrl: string): Promise<BenchResult[]> {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-rss-'));
  const world = await startWorld({ dir });
  const slack = await startSlackEmulator({ signingSecret: 'rss-secret', botToken: 'xoxb-rss' });
  const inventory = world.writeInventory(join(dir, 'flatnet.yml'));
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    FLATNET_REDIS_PREFIX: `flatnet-bench-rss-${process.pid}`,
    SLACK_BOT_TOKEN: 'xoxb-rss',
    SLACK_SIGNING_SECRET: 'rss-secret',
    SLACK_API_URL: slack.apiUrl,
    FLATNET_SLACK_MODE: 'http',
    LOG_LEVEL: 'warn',
  };
  const bot = await spawnFlatnet(
    ['bot', '--config', inventory, '--port', String(await freePort())],
    env,
    /listening on :(\d+)/,
  );
  const worker = await spawnFlatnet(['worker', '--config', inventory], env, /worker running/).catch(
    async (err: unknown) => {
      await stopProcess(bot.child);
      throw err;
    },
  );
  try {
    // Idle means settled: V8 keeps the young generation it grew during start-up (≈ 32 MB a
    // process) for some 10 s before giving it back, so the figure is read after 15 s of
    // idleness; the 5 s reading is printed too.
    const sample = () => [rssMb(bot.child.pid!), rssMb(worker.child.pid!)] as const;
    await new Promise((r) => setTimeout(r, 5000));
    const early = sample();
    await new Promise((r) => setTimeout(r, 10_000));
    const [botMb, workerMb] = sample();
    console.log(
      `  idle RSS after 15 s: bot ${botMb.toFixed(0)} MB + worker ${workerMb.toFixed(0)} ` +
        `MB (after 5 s: ${early[0].toFixed(0)} + ${early[1].toFixed(0)} MB)`,
    );
    return [{ name: 'idle_rss_mb', value: Math.round(botMb + workerMb), unit: 'MB', target: 200 }];
  } finally {
    await stopProcess(bot.child);
    await stopProcess(worker.child);
    await slack.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
