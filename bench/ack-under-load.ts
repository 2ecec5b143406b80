/**
 * Issue 15 §4: slash-command acknowledgement while the system works. The bot (HTTP receiver,
 * no worker) and a `flatnet worker` run as their own processes, as in production, against a
 * 50-router world at 200 ms RTT (`flatnet sim`, also its own process); a scale-up of the hub
 * is approved and running, and a `/vpn status` of the 50 routers is running, when 200 signed
 * `/vpn status` requests arrive at once, five times. The figure is the p99 of what each
 * request saw (goal ≤ 20 ms). The bot answers first and records the runs after the burst; they
 * queue behind the worker; the bench stops there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';
import { createLogger } from '../src/log.js';
import { startSlackEmulator } from '../src/sim/slack/start-slack-emulator.js';
import { createRuntime } from '../src/wiring/create-runtime.js';
import { cpuSince, post, printLatencies, SECRET } from './ack.js';
import type { BenchResult } from './result.js';
import {
  buildOnce,
  spawnFlatnet,
  startSimProcess,
  stopProcess,
  freePort,
} from './spawn-flatnet.js';

const CONCURRENT = 200;
const ROUNDS = 5;

export async function benchAckUnderLoad(redisUrl: string): Promise<BenchResult[]> {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-ack-load-'));
  const sim = await startSimProcess(['--routers', '43', '--ssh-latency-ms', '200', '--dir', dir]);
  const slack = await startSlackEmulator({ signingSecret: SECRET, botToken: 'xoxb-bench' });
  const prefix = `flatnet-bench-ack-load-${process.pid}`;
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    FLATNET_REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    FLATNET_SLACK_MODE: 'http',
    LOG_LEVEL: 'warn',
    // The worker reaches a new instance through the world, as against any `flatnet sim`.
    FLATNET_SIM_CONTROL_URL: sim.control,
  };
  const started: { stop(): Promise<void> }[] = [];
  // Submits and approves the background runs; the worker process runs them.
  const runtime = await createRuntime({
    loaded: loadInventory(sim.inventory),
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
  try {
    const bot = await spawnFlatnet(
      ['bot', '--config', sim.inventory, '--port', String(await freePort())],
      env,
      /listening on :(\d+)/,
    );
    started.push({ stop: () => stopProcess(bot.child) });
    const worker = await spawnFlatnet(['worker', '--config', sim.inventory], env, /worker running/);
    started.push({ stop: () => stopProcess(worker.child) });
    const port = Number(bot.match[1]);
    for (let i = 0; i < 20; i++) await post(port, agent, i); // warm-up: JIT, connections
    // Those warm-up status runs are the worker's too: wait until it has done them.
    await waitUntil(async () => (await runtime.engine.store.list({ limit: 50 })).every(isFinal));

    const scale = await runtime.engine.submit({
      kind: 'scaleup',
      target: 'hub-tokyo-a',
      params: {},
      requester: 'U0ALICE',
      origin: { kind: 'cli', channel: 'bench' },
      dryRun: false,
    });
    const scaleStatus = async () => (await runtime.engine.get(scale.id))?.status ?? '';
    await waitUntil(async () => ['awaiting-approval', 'running'].includes(await scaleStatus()));
    if ((await scaleStatus()) === 'awaiting-approval') {
      const decided = await runtime.engine.decide(scale.id, 'U0BOB', 'approve');
      if (!decided.ok) throw new Error(`the scale-up was not approved: ${decided.message}`);
    }
    const status = await runtime.engine.submit({
      kind: 'status',
      target: '*',
      params: {},
      requester: 'U0BENCH',
      origin: { kind: 'cli', channel: 'bench' },
      dryRun: false,
    });
    await waitUntil(async () => (await runtime.engine.get(status.id))?.status === 'running');

    const latencies: number[] = [];
    const cpu = cpuSince(bot.child.pid!);
    const slowest: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const burst = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, j) =>
          post(port, agent, 1000 + round * CONCURRENT + j),
        ),
      );
      latencies.push(...burst);
      slowest.push(Math.max(...burst).toFixed(0));
    }
    // The first round also opens the connections (the warm-up used one): compare it.
    console.log(`  slowest ack of each round: ${slowest.join(', ')} ms`);
    const scaleNow = (await runtime.engine.get(scale.id))?.status;
    console.log(`  while measuring: scale-up ${scaleNow ?? '?'} (it was running when it began)`);
    console.log(`  ${cpu(latencies.length)}`);
    const what = `ack over ${latencies.length} requests at ${CONCURRENT} concurrent under load`;
    const p99 = printLatencies(latencies, what);
    return [{ name: 'ack_p99_under_load_ms', value: p99, unit: 'ms', target: 20 }];
  } finally {
    agent.destroy();
    for (const s of started.reverse()) await s.stop();
    await dropRedisPrefix(runtime.redis, prefix);
    await runtime.close();
    await slack.close();
    await stopProcess(sim.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const isFinal = (r: { status: string }) =>
  ['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected', 'expired'].includes(r.status);

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the bench waited too long for its background runs');
    await new Promise((r) => setTimeout(r, 50));
  }
}
