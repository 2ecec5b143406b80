/**
 * The failover runbook's test bench, built on the scale-up's (the simulated world, the real
 * EC2 adapter and SSH driver, the real engine on BullMQ and Redis with a unique prefix): its
 * own engines with the failover and failback runbooks, and helpers to read who holds the
 * Elastic IP and the hub routes in the world.
 */
import { expect } from 'vitest';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createFailoverRunbook } from '../../jobs/failover.js';
import type { FailoverDeps } from '../../src/failover/failover-deps.js';
import { createEngine, type Engine } from '../../src/runbook/engine.js';
import type { Run } from '../../src/runbook/types.js';
import type { World } from '../../src/sim/world/start-world.js';
import { withAfterStep, type AfterStep } from '../helpers/after-step.js';
import { testRedis } from '../helpers/redis.js';
import { silentLog, waitFor } from './runbook-harness.js';
import { startScaleBench, type BenchOptions, type ScaleBench } from './scaleup-harness.js';
import { routedTimeline } from '../helpers/routed-paths.js';
import { establishedConnections, missingSas } from './cutover-checks.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { BOB_APPROVES, buildRunRequest } from '../support/build-run.js';

export const PRIMARY = 'hub-tokyo-a';
export const STANDBY = 'hub-tokyo-b';

export interface FailoverBench {
  scale: ScaleBench;
  world: World;
  engine: Engine;
  deps: FailoverDeps;
  newEngine(options?: { afterStep?: AfterStep }): Engine;
  startWorker(
    engine?: Engine,
    processor?: (runId: string, process: () => Promise<void>) => Promise<void>,
  ): Worker;
  submit(options?: {
    kind?: 'failover' | 'failback';
    target?: string;
    dryRun?: boolean;
    approval?: boolean;
  }): Promise<Run>;
  finished(runId: string, engine?: Engine): Promise<Run>;
  cleanup(): Promise<void>;
}

export async function startFailoverBench(options: BenchOptions = {}): Promise<FailoverBench> {
  const scale = await startScaleBench({ ...options, afterStep: undefined });
  const redis: Redis = testRedis();
  const deps: FailoverDeps = scale.deps;
  const engines: Engine[] = [];
  const newEngine = ({ afterStep = options.afterStep }: { afterStep?: AfterStep } = {}) => {
    const engine = createEngine<FailoverDeps>({
      describeCommand: rebuildCommandLine,
      redis,
      prefix: scale.prefix,
      queue: scale.queue,
      runbooks: {
        failover: withAfterStep(createFailoverRunbook('failover'), afterStep),
        failback: withAfterStep(createFailoverRunbook('failback'), afterStep),
      },
      deps,
      observers: [scale.observer],
      logger: silentLog,
      observerTimeoutMs: 500,
      leaseTtlMs: 5_000,
    });
    engines.push(engine);
    return engine;
  };
  const engine = newEngine();
  return {
    scale,
    world: scale.world,
    engine,
    deps,
    newEngine,
    startWorker: (target = engine, processor) => scale.startWorker(target, processor),
    submit: (o = {}) =>
      engine.submit(
        buildRunRequest({
          kind: o.kind ?? 'failover',
          target: o.target ?? PRIMARY,
          dryRun: o.dryRun ?? false,
          ...(o.approval ? { approval: BOB_APPROVES } : {}),
        }),
      ),
    finished: (runId, target = engine) => scale.finished(runId, target),
    async cleanup() {
      // Workers first (the scale bench closes them), then the engines that they drove.
      await scale.cleanup();
      await Promise.all(engines.map((e) => e.close()));
      redis.disconnect();
    },
  };
}

/** Who holds the hub's Elastic IP and where the hub VPC's routes go, as the world says. */
export function pairState(world: World) {
  const state = world.state;
  const primary = state.getInstance(world.router(PRIMARY).instanceId)!;
  const standby = state.getInstance(world.router(STANDBY).instanceId)!;
  const allocationId = world.topology.routers.find((r) => r.name === PRIMARY)!.elasticIp!
    .allocationId;
  const address = [...state.addresses.values()].find((a) => a.allocationId === allocationId)!;
  const routes = [...state.routeTables.values()].flatMap((t) =>
    t.routes.flatMap((r) =>
      r.networkInterfaceId
        ? [{ table: t.routeTableId, destination: r.destination, eni: r.networkInterfaceId }]
        : [],
    ),
  );
  return {
    primary,
    standby,
    eipHolder: address.networkInterfaceId,
    routesTo: (eni: string) => routes.filter((r) => r.eni === eni),
  };
}

/** Every VPC is forwarded (after an undo the primary may need a moment to re-establish). */
export async function everyVpcForwarded(world: World, deadlineMs = 15_000): Promise<void> {
  await waitFor(
    'every VPC to be forwarded',
    () => Promise.resolve(routedTimeline(world).paths.every((p) => p.forwarded)),
    deadlineMs,
  );
}

/**
 * The run's final save frees its lease in the same script (save-run.lua), so this holds as soon
 * as the run is seen finished; the tests still say it before a follow-up, as the proof that no
 * lease outlives the run that held it (a leaked lease fails here, by name).
 */
export async function leaseFreed(engine: Engine, target = PRIMARY): Promise<void> {
  await waitFor(
    `the lease on ${target} to be released`,
    async () => (await engine.whoHolds(target)) === undefined,
    10_000,
  );
}

/** The connections `router` has established (cutover-checks.ts says why by name). */
export async function establishedSas(bench: FailoverBench, router = PRIMARY): Promise<string[]> {
  return establishedConnections(bench.deps.routers.router(router));
}

/** Waits until `router` has established again every connection of `before`. */
export async function sasEstablishedAgain(
  bench: FailoverBench,
  before: string[],
  router = PRIMARY,
): Promise<void> {
  const reader = bench.deps.routers.router(router);
  let missing: string[] = [];
  await waitFor(
    `${router} to establish again ${before.join(', ')}`,
    async () => (missing = await missingSas(reader, before)).length === 0,
    15_000,
  ).catch((err: unknown) => {
    expect(missing, `${router}'s SAs missing`).toEqual([]);
    throw err;
  });
}
