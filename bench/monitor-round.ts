/**
 * One monitor round over 50 routers with 200 ms of SSH latency per command (issue 13,
 * `monitor_round_ms_50_routers`): resolve the routers from the truth, probe all in parallel,
 * decide, save. Rounds are called directly (as the scheduler's worker does), so the figure is
 * the round itself, not the scheduler's tick. The first round opens the SSH sessions
 * (reported as cold, with any probe that timed out meanwhile); the figure is the median of the warm
 * rounds, as in a running worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMonitorRound } from '../jobs/monitor.js';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import type { BenchResult } from './result.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';

/** "Well inside the interval": half the default 10 s interval. */
const TARGET_MS = 5000;

async function timeOneRound(runtime: Runtime, tick: string, cold = false): Promise<number> {
  const started = performance.now();
  const outcome = await runMonitorRound(runtime.monitor.deps, tick);
  const ms = performance.now() - started;
  if (!outcome.ran) throw new Error(`round ${tick} did not run: ${outcome.reason}`);
  const down = outcome.summary.routers.filter((r) => !r.healthy);
  // The cold round may time some probes out while 50 SSH sessions open at once (said, not
  // fatal: failuresToAct absorbs one round); a warm round must find every router healthy.
  if (cold) {
    if (down.length > 0)
      console.log(`  cold round: ${down.length} probes timed out (${down[0]!.error ?? ''})`);
    return ms;
  }
  if (outcome.summary.routers.length !== 50 || down.length > 0)
    throw new Error(
      `the bench expects 50 healthy routers, got ${outcome.summary.routers.length} with ` +
        `${down.length} down (${down[0]?.error ?? ''})`,
    );
  return ms;
}

export async function benchMonitorRound(redisUrl: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-monitor-'));
  const world = await startWorld({ dir, extraSpokes: 43, sshLatencyMs: 200 });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  const prefix = `flatnet-bench-monitor-${process.pid}`;
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
    worker: { concurrency: 4 },
  });
  try {
    const cold = await timeOneRound(runtime, 'bench-cold', true);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timeOneRound(runtime, `bench-${i}`));
    warm.sort((a, b) => a - b);
    console.log(
      '  monitor round over 50 routers: cold (sessions opening) ' +
        `${Math.round(cold)} ms; warm rounds ${warm.map(Math.round).join(', ')} ms`,
    );
    return [
      {
        name: 'monitor_round_ms_50_routers',
        value: Math.round(warm[2]!),
        unit: 'ms',
        target: TARGET_MS,
      },
    ];
  } finally {
    await dropRedisPrefix(runtime.redis, prefix);
    await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
