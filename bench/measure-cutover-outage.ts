/**
 * One runbook's forwarding outage in a fresh simulated world, for the cutover benches
 * (scale-up, failover, failback): EC2 call latency 300 ms, instance boot 20 s, tunnel
 * re-establishment 2 s, all scaled down 10× (30 ms, 2 s, 200 ms) keeping the ratios. The
 * outage is the longest broken interval of any path (`A → B`, judged by the world's
 * packet-level reachability oracle, both ways) among the paths that worked before the run;
 * the run time is the steps end to end (no approval wait, no queue: the steps alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloud } from '../src/aws/index.js';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import type { Run, Step } from '../src/runbook/types.js';
import { createScaleRouters } from '../src/scaleup/create-scale-routers.js';
import { memoryRouterFactsStore } from '../src/scaleup/router-facts.js';
import type { ScaleDeps } from '../src/scaleup/scale-deps.js';
import { scanHostKey } from '../src/scaleup/scan-host-key.js';
import { startWorld } from '../src/sim/world/start-world.js';
import { connectRouters, routerEndpoints } from '../src/wiring/connect-to-network.js';
import { recordCutoverPhases } from './cutover-phases.js';
import { runStepsDirectly } from './run-steps-directly.js';

const SCALE = 10;
export const EC2_LATENCY_MS = 300 / SCALE;
export const BOOT_MS = 20_000 / SCALE;
export const TUNNEL_UP_MS = 2_000 / SCALE;
/**
 * Issue 15 §1: an outage of at most 1.1 × the tunnels' re-establishment plus one EC2 call (the
 * Elastic IP move: nothing can start re-keying before it).
 */
export const CUTOVER_OUTAGE_GOAL_MS = Math.round(1.1 * TUNNEL_UP_MS + EC2_LATENCY_MS);

export interface RunbookPass {
  kind: Run['kind'];
  target: string;
  steps: Step<ScaleDeps>[];
}

/**
 * Runs `before` (unmeasured: a failover before the failback it sets up), lets the tunnels
 * settle, then measures `measured`.
 */
export async function measureCutoverOutage(
  measured: RunbookPass,
  before: RunbookPass[] = [],
): Promise<{ outageMs: number; runMs: number; stepMs: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-cutover-'));
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
  const settle = () => new Promise((resolve) => setTimeout(resolve, TUNNEL_UP_MS * 2));
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
    const pass = (p: RunbookPass, n: number) =>
      runStepsDirectly(p.steps, deps, {
        runId: `r-bench${process.pid}x${n}`,
        target: p.target,
        kind: p.kind,
        log,
      });
    for (const [n, p] of before.entries()) {
      await pass(p, n);
      await settle();
    }
    world.resetTimeline();
    const started = Date.now();
    const working = new Set(world.timeline().paths.flatMap((p) => (p.forwarded ? [p.path] : [])));
    const phases = recordCutoverPhases(world);
    const { run } = await pass(measured, before.length);
    const runMs = Date.now() - started;
    // Let the last tunnel settle so an outage still open at the end is counted whole.
    await settle();
    phases.stop();
    console.log(
      `  ${measured.kind}, ${run.steps.length} steps (longest outage, relative to its start):`,
    );
    phases.print(started, (p) => working.has(p), run);
    const stepMs = Object.fromEntries(
      run.steps.map((st) => [st.id, (st.finishedAt ?? 0) - (st.startedAt ?? 0)]),
    );
    return { outageMs: world.outageMs(started, (p) => working.has(p)).longestMs, runMs, stepMs };
  } finally {
    await routers.closeAll();
    await pool.closeAll();
    cloud.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
