/**
 * /vpn status over 50 routers with 200 ms of SSH latency per command, from enqueue to result,
 * through the real engine, queue and worker. The first run opens the SSH sessions (reported
 * separately as cold); the figure is the median of the warm runs, as in a running worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import type { BenchResult } from './result.js';

async function timeOneStatus(runtime: Runtime): Promise<number> {
  const started = performance.now();
  const run = await runtime.engine.submit({
    kind: 'status',
    target: '*',
    params: {},
    requester: 'U0BENCH',
    origin: { kind: 'cli', channel: 'bench' },
    dryRun: false,
  });
  for (;;) {
    const current = await runtime.engine.get(run.id);
    if (current && ['succeeded', 'failed'].includes(current.status)) {
      if (current.status !== 'succeeded')
        throw new Error(`status run ${run.id} ${current.status}: ${current.error ?? ''}`);
      const routers =
        (current.steps[0]?.result as { routers?: { reachable: boolean }[] } | undefined)?.routers ??
        [];
      if (routers.length !== 50 || routers.some((r) => !r.reachable))
        throw new Error('the bench expects 50 reachable routers');
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchStatusFanout(redisUrl: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-status-'));
  const world = await startWorld({ dir, extraSpokes: 43, sshLatencyMs: 200 });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix: `flatnet-bench-${process.pid}`,
    logger: createLogger({ level: 'warn' }),
    worker: { concurrency: 4 },
  });
  try {
    const cold = await timeOneStatus(runtime);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timeOneStatus(runtime));
    warm.sort((a, b) => a - b);
    console.log(
      `  status over 50 routers: cold (sessions opening) ${Math.round(cold)} ` +
        `ms; warm runs ${warm.map(Math.round).join(', ')} ms`,
    );
    return [
      {
        name: 'status_fanout_50_routers_ms',
        value: Math.round(warm[2]!),
        unit: 'ms',
        target: 1000,
      },
    ];
  } finally {
    await runtime.redis.eval(
      `for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end`,
      0,
      `flatnet-bench-${process.pid}*`,
    );
    await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
