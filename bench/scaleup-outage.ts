/**
 * The scale-up's forwarding outage, flatnet's order against the original's, in the simulator
 * with the same parameters for both: EC2 call latency 300 ms, instance boot 20 s, tunnel
 * re-establishment 2 s, all scaled down 10× (30 ms, 2 s, 200 ms) keeping the ratios. The
 * outage is the longest broken interval of any path (`A → B`, judged by the world's
 * packet-level reachability oracle, both ways) among the paths that worked before the run;
 * the run time is flatnet's steps end to end (no approval wait, no queue: the steps alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloud } from '../src/aws/index.js';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import type { Step } from '../src/runbook/types.js';
import { createScaleRouters } from '../src/scaleup/create-scale-routers.js';
import { createScaleRunbook } from '../jobs/scaleup.js';
import { memoryRouterFactsStore } from '../src/scaleup/router-facts.js';
import type { ScaleDeps } from '../src/scaleup/scale-deps.js';
import { scanHostKey } from '../src/scaleup/scan-host-key.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { connectRouters, routerEndpoints } from '../src/wiring/connect-to-network.js';
import { originalOrderSteps } from './original-order.js';
import type { BenchResult } from './result.js';
import { runStepsDirectly } from './run-steps-directly.js';

const SCALE = 10;
const EC2_LATENCY_MS = 300 / SCALE;
const BOOT_MS = 20_000 / SCALE;
const TUNNEL_UP_MS = 2_000 / SCALE;
const ROUTER = 'hub-tokyo-a';

async function measure(steps: Step<ScaleDeps>[]): Promise<{ outageMs: number; runMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-scaleup-'));
  const log = createLogger({ level: 'silent' });
  const world = await startWorld({
    dir,
    bootMs: BOOT_MS,
    tunnelUpMs: TUNNEL_UP_MS,
    ec2LatencyMs: EC2_LATENCY_MS,
  });
  const loaded = loadInventory(world.writeInventory());
  const cloud = createCloud({
    endpoint: world.ec2Url,
    credentials: loaded.inventory.aws.credentials!,
    waiter: { minDelaySeconds: 0.05, maxWaitSeconds: 120 },
    logger: log,
  });
  const pool = connectRouters(loaded, log);
  const routers = createScaleRouters({
    pool,
    endpoints: routerEndpoints(loaded),
    logger: log,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 20_000,
  });
  try {
    const deps: ScaleDeps = {
      inventory: loaded.inventory,
      cloud,
      routers,
      async replacementSsh(instance) {
        for (let i = 0; i < 400; i++) {
          const endpoint = world.resolveSsh(instance.instanceId);
          if (endpoint) return { host: endpoint.host, port: endpoint.port };
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error(`the simulator started no router for ${instance.instanceId}`);
      },
      scanHostKey: (endpoint) => scanHostKey(endpoint),
      routerFacts: memoryRouterFactsStore(),
      clock: Date.now,
      tunnelWait: { timeoutMs: 30_000, pollMs: 10 },
    };
    world.resetTimeline();
    const started = Date.now();
    const working = new Set(world.timeline().paths.flatMap((p) => (p.forwarded ? [p.path] : [])));
    await runStepsDirectly(steps, deps, {
      runId: `r-bench${process.pid}`,
      target: ROUTER,
      kind: 'scaleup',
      log,
    });
    const runMs = Date.now() - started;
    // Let the last tunnel settle so an outage still open at the end is counted whole.
    await new Promise((resolve) => setTimeout(resolve, TUNNEL_UP_MS * 2));
    return { outageMs: world.outageMs(started, (p) => working.has(p)).longestMs, runMs };
  } finally {
    await routers.closeAll();
    await pool.closeAll();
    cloud.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchScaleupOutage(): Promise<BenchResult[]> {
  const flatnet = await measure(createScaleRunbook('up').steps);
  const original = await measure(originalOrderSteps('up'));
  // The target: no more than tunnel re-establishment plus one EC2 call, and at least
  // 5× shorter than the original order. The stricter of the two is the ceiling.
  const flatnetTarget = Math.min(TUNNEL_UP_MS + EC2_LATENCY_MS, original.outageMs / 5);
  return [
    {
      name: 'scaleup_outage_flatnet_ms',
      value: flatnet.outageMs,
      unit: 'ms',
      target: flatnetTarget,
    },
    // The original order has no target of its own: it is the baseline (target = its value).
    {
      name: 'scaleup_outage_original_ms',
      value: original.outageMs,
      unit: 'ms',
      target: original.outageMs,
    },
    // Not an issue target: a run should take little more than the boot plus the copy and cutover.
    { name: 'scaleup_run_ms', value: flatnet.runMs, unit: 'ms', target: BOOT_MS * 5 },
  ];
}
