/**
 * `failover_detect_to_forward_ms` (issue 13): the primary hub loses power (the world's
 * control, as the demo's Break things panel does), the monitor's real BullMQ scheduler probes
 * every 2 s, fails it over after 3 failed probes (policy auto) through the ordinary failover
 * run, and the world's packet-level reachability oracle forwards again through the standby.
 * The figure is the longest broken interval of any path that worked before the failure. The
 * failure lands at a random phase of the interval, as in life.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { createRuntime } from '../src/wiring/create-runtime.js';
import type { BenchResult } from './result.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';
import { recordPhases } from './failover-phases.js';

const PRIMARY = 'hub-tokyo-a';
const INTERVAL_S = 2;
const FAILURES = 3;
const EC2_LATENCY_MS = 300;

export async function benchFailoverDetect(redisUrl: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-failover-'));
  const world = await startWorld({
    dir,
    bootMs: 100,
    tunnelUpMs: 200,
    ec2LatencyMs: EC2_LATENCY_MS,
  });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  loaded.inventory.monitor = {
    ...loaded.inventory.monitor,
    intervalSeconds: INTERVAL_S,
    failuresToAct: FAILURES,
    probeTimeoutMs: 1500,
    routers: { [PRIMARY]: { failover: 'auto' } },
  };
  const prefix = `flatnet-bench-failover-${process.pid}`;
  const runtime = await createRuntime({
    loaded,
    redisUrl,
    prefix,
    logger: createLogger({ level: 'warn' }),
    worker: { concurrency: 4 },
    monitor: true,
  });
  try {
    // Let the scheduler run a few healthy rounds (sessions open) before the failure.
    await new Promise((r) => setTimeout(r, INTERVAL_S * 2500));
    world.resetTimeline();
    const working = new Set(world.timeline().paths.flatMap((p) => (p.forwarded ? [p.path] : [])));
    const phases = recordPhases(world, runtime.monitor.store, PRIMARY);
    const failedAt = Date.now();
    world.setRouterDown(PRIMARY, true, 'power');
    phases.mark(failedAt, `${PRIMARY} loses power`);
    const deadline = failedAt + 60_000;
    let outage = world.outageMs(failedAt, (p) => working.has(p));
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      await phases.poll();
      const forwarding = world.timeline().paths.filter((p) => working.has(p.path) && p.forwarded);
      outage = world.outageMs(failedAt, (p) => working.has(p));
      if (forwarding.length === working.size && outage.longestMs > 0) break;
      if (Date.now() > deadline) throw new Error('no failover within 60 s of the failure');
    }
    phases.mark(failedAt + outage.longestMs, 'the last broken path forwards again');
    phases.stop();
    const incident = (await runtime.monitor.store.watches())[PRIMARY]?.incident;
    const run = incident?.runId ? await runtime.engine.get(incident.runId) : undefined;
    phases.print(failedAt, run);
    console.log(
      `  failover: ${outage.longestMs} ms from the failure to forwarding through the standby ` +
        `(${INTERVAL_S} s interval, ${FAILURES} failures, EC2 ${EC2_LATENCY_MS} ms per call)`,
    );
    return [
      {
        name: 'failover_detect_to_forward_ms',
        value: outage.longestMs,
        unit: 'ms',
        // The goal: 3 intervals plus one parallel EC2 round (one call's latency).
        target: FAILURES * INTERVAL_S * 1000 + EC2_LATENCY_MS,
      },
    ];
  } finally {
    await dropRedisPrefix(runtime.redis, prefix);
    await runtime.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
