/**
 * Redis memory per 1,000 finished runs (issue 12 item 5): 1,000 `/vpn status` runs over the
 * reference world (the most frequent run, and a large record: every router's tunnels, BGP
 * and load), through the real engine, queue, worker and thread reporter. The figure is
 * MEMORY USAGE (SAMPLES 0: every element counted) summed over what those runs keep for the
 * retention window: each run's hash, event stream and Slack thread pointer, plus the audit
 * stream and the history indexes they filled. BullMQ's job records are not counted: the
 * queue drops them after 7 days whatever the retention.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import { memoryChat } from './memory-chat.js';
import type { BenchResult } from './result.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';

const RUNS = 1000;
const AT_ONCE = 8;

async function statusRun(runtime: Runtime): Promise<string> {
  const run = await runtime.engine.submit({
    kind: 'status',
    target: '*',
    params: {},
    requester: 'U0BENCH',
    origin: { kind: 'slack', channel: 'C0NETOPS' },
    dryRun: false,
  });
  for (;;) {
    const current = await runtime.engine.get(run.id);
    if (current?.status === 'succeeded') return run.id;
    if (current && current.status !== 'planning' && current.status !== 'running')
      throw new Error(`status run ${run.id} ${current.status}: ${current.outcome ?? ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function memoryOf(redis: Redis, keys: string[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(i, i + 500)) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [err, bytes] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      total += Number(bytes ?? 0);
    }
  }
  return total;
}

export async function benchRunRecords(): Promise<BenchResult[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `flatnet-bench-records-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-records-'));
  const world = await startWorld({ dir });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
    chat: memoryChat(),
    worker: { concurrency: AT_ONCE },
  });
  const redis = new Redis(redisUrl);
  let closed = false;
  try {
    const ids: string[] = [];
    while (ids.length < RUNS)
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(AT_ONCE, RUNS - ids.length) }, () => statusRun(runtime)),
        )),
      );
    // Closing the runtime flushes the thread reporter: every thread pointer is written.
    await runtime.close();
    closed = true;
    const keys = runtime.engine.store.keys;
    const perRun = ids.flatMap((id) => [keys.run(id), keys.events(id), `${keys.run(id)}:slack`]);
    const shared = [keys.audit, keys.all, keys.byTarget('*'), keys.byKind('status')];
    const runBytes = await memoryOf(redis, perRun);
    const sharedBytes = await memoryOf(redis, shared);
    const ttl = await redis.pttl(keys.run(ids[0] ?? ''));
    const total = Math.round(((runBytes + sharedBytes) * 1000) / RUNS);
    console.log(
      `  ${RUNS} finished status runs: ${Math.round(runBytes / RUNS)} B per run in its own keys, ` +
        `${Math.round(sharedBytes / RUNS)} B per run in the audit stream and indexes; ` +
        `each expires in ${Math.round(ttl / 86_400_000)} days`,
    );
    return [{ name: 'run_record_bytes', value: total, unit: 'B', target: 20_000_000 }];
  } finally {
    await dropRedisPrefix(redis, prefix);
    redis.disconnect();
    if (!closed) await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
