/**
 * The product's reachability of every ordered pair of the reference topology (what the
 * headline of /vpn status computes) at 200 ms of SSH latency per command: every router read
 * over SSH (configuration, SAs, routing table, WireGuard), EC2 read beside them, every pair
 * followed there and back. The first run opens the SSH sessions (reported separately as
 * cold); the figure is the median of the warm runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { summarizeReach } from '../src/reach/judge-reach.js';
import { readReachState } from '../src/reach/read-reach-state.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import type { BenchResult } from './result.js';

async function timeOneMatrix(runtime: Runtime): Promise<{ ms: number; total: number }> {
  const started = performance.now();
  const state = await readReachState({
    inventory: runtime.loaded.inventory,
    routers: runtime.routers,
    cloud: runtime.cloud,
  });
  const summary = summarizeReach(state);
  if (state.routers.some((r) => r.error)) throw new Error('the bench expects every router read');
  return { ms: performance.now() - started, total: summary.total };
}

export async function benchReachMatrix(redisUrl: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-reach-'));
  const world = await startWorld({ dir, sshLatencyMs: 200 });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  const prefix = `flatnet-bench-reach-${process.pid}`;
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
  });
  try {
    const cold = await timeOneMatrix(runtime);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await timeOneMatrix(runtime)).ms);
    warm.sort((a, b) => a - b);
    console.log(
      `  reachability of ${cold.total} paths at 200 ms SSH latency: cold (sessions ` +
        `opening) ${Math.round(cold.ms)} ms; warm runs ${warm.map(Math.round).join(', ')} ms`,
    );
    return [{ name: 'reach_matrix_ms', value: Math.round(warm[2]!), unit: 'ms', target: 2000 }];
  } finally {
    await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
