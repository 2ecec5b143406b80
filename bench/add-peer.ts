/**
 * /vpn add-peer end to end in the simulator at its default latencies, through the real
 * engine, queue, worker, SSH driver and VyOS emulator: one add-peer (generated key, commit-
 * confirm, verify, confirm, save, files sent by DM), and twenty at once on one router (they
 * queue behind each other on the router's lease). The DMs go to an in-memory chat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import { memoryChat } from './memory-chat.js';
import type { BenchResult } from './result.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';

async function addPeers(runtime: Runtime, names: string[]): Promise<number> {
  const started = performance.now();
  const runs = await Promise.all(
    names.map((name) =>
      runtime.engine.submit({
        kind: 'add-peer',
        target: name,
        params: { router: 'hub-tokyo-a' },
        requester: 'U0ALICE',
        origin: { kind: 'slack', channel: 'C0NETOPS' },
        dryRun: false,
      }),
    ),
  );
  for (const run of runs) {
    for (;;) {
      const current = await runtime.engine.get(run.id);
      if (current && ['succeeded', 'failed', 'rolled-back'].includes(current.status)) {
        if (current.status !== 'succeeded')
          throw new Error(
            `add-peer ${run.target} (${run.id}) ${current.status}: ${current.outcome ?? ''}`,
          );
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return performance.now() - started;
}

export async function benchAddPeer(): Promise<BenchResult[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `flatnet-bench-peer-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-add-peer-'));
  const world = await startWorld({ dir });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
    chat: memoryChat(),
    worker: { concurrency: 8 },
  });
  try {
    const one = await addPeers(runtime, ['bench-one']);
    const twenty = await addPeers(
      runtime,
      Array.from({ length: 20 }, (_, i) => `bench-${String(i).padStart(2, '0')}`),
    );
    console.log(`  add-peer: one ${Math.round(one)} ms; twenty at once ${Math.round(twenty)} ms`);
    return [
      { name: 'add_peer_ms', value: Math.round(one), unit: 'ms', target: 3000 },
      { name: 'add_peer_20_concurrent_ms', value: Math.round(twenty), unit: 'ms', target: 20000 },
    ];
  } finally {
    await dropRedisPrefix(runtime.redis, prefix);
    await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
