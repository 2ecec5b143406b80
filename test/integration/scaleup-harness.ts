/**
 * The scale runbook's test bench: the simulated world (EC2 emulator + VyOS SSH servers),
 * the real EC2 adapter and SSH driver against it, the real engine on BullMQ and Redis (a
 * unique prefix per test), and helpers to read the world's verdicts (who holds the Elastic
 * IP, where the routes go, how many instances were launched, the forwarding timeline).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { createCloud } from '../../src/aws/index.js';
import type { Cloud } from '../../src/aws/cloud.js';
import { loadInventory, type LoadedInventory } from '../../src/config/load-inventory.js';
import { createRunQueue, type RunQueue } from '../../src/queue/run-queue.js';
import { createRunJobProcessor, recordGaveUp } from '../../src/queue/run-job-processor.js';
import { startWorker } from '../../src/queue/start-worker.js';
import { createEngine, type Engine } from '../../src/runbook/engine.js';
import type { Run } from '../../src/runbook/types.js';
import { createRouterFactsStore } from '../../src/scaleup/router-facts.js';
import { createScaleRouters } from '../../src/scaleup/create-scale-routers.js';
import type { ScaleDeps } from '../../src/scaleup/scale-deps.js';
import { scanHostKey } from '../../src/scaleup/scan-host-key.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { connectRouters, routerEndpoints } from '../../src/wiring/connect-to-network.js';
import { createScaleRunbook } from '../../jobs/scaleup.js';
import { withAfterStep, type AfterStep } from '../helpers/after-step.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { RecordingObserver, silentLog, waitFor } from './runbook-harness.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { BOB_APPROVES, buildRunRequest } from '../support/build-run.js';

export const HUB = 'hub-tokyo-a';
export const REGION = 'ap-northeast-1';

export interface ScaleBench {
  world: World;
  loaded: LoadedInventory;
  cloud: Cloud;
  engine: Engine;
  deps: ScaleDeps;
  observer: RecordingObserver;
  queue: RunQueue;
  prefix: string;
  startWorker(
    engine?: Engine,
    processor?: (runId: string, process: () => Promise<void>) => Promise<void>,
  ): Worker;
  /** Another "process": its own engine over the same Redis, queue and world. */
  newEngine(options?: { afterStep?: AfterStep }): Engine;
  submit(options?: {
    kind?: 'scaleup' | 'scaledown';
    type?: string;
    dryRun?: boolean;
    approval?: boolean;
  }): Promise<Run>;
  finished(runId: string, engine?: Engine): Promise<Run>;
  cleanup(): Promise<void>;
}

export interface BenchOptions {
  bootMs?: number;
  tunnelUpMs?: number;
  ec2LatencyMs?: number;
  tunnelTimeoutMs?: number;
  deps?: Partial<ScaleDeps>;
  /** Called right after each step's work, before its result is saved (see after-step.ts). */
  afterStep?: AfterStep;
  /** Wrap the real router port (e.g. to drop a session mid-copy). */
  wrapRouters?: (real: ScaleDeps['routers'], world: World) => ScaleDeps['routers'];
}

export async function startScaleBench(options: BenchOptions = {}): Promise<ScaleBench> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-scaleup-'));
  const world = await startWorld({
    dir,
    bootMs: options.bootMs ?? 100,
    tunnelUpMs: options.tunnelUpMs ?? 100,
    ec2LatencyMs: options.ec2LatencyMs ?? 0,
  });
  const loaded = loadInventory(world.writeInventory());
  const inventory = loaded.inventory;
  const cloud = createCloud({
    endpoint: world.ec2Url,
    credentials: inventory.aws.credentials!,
    waiter: { minDelaySeconds: 0.05, maxWaitSeconds: 30 },
    maxAttempts: 6,
    logger: silentLog,
  });
  const pool = connectRouters(loaded, silentLog);
  const routers = createScaleRouters({
    pool,
    endpoints: routerEndpoints(loaded),
    logger: silentLog,
    connectTimeoutMs: 3000,
    commandTimeoutMs: 5000,
  });
  const prefix = uniquePrefix('scale');
  const redis = testRedis();
  const queue = createRunQueue({
    connection: redis,
    prefix,
    jobOptions: { backoff: { type: 'fixed', delay: 50 } },
  });
  const observer = new RecordingObserver();
  const deps: ScaleDeps = {
    inventory,
    cloud,
    routers: options.wrapRouters ? options.wrapRouters(routers, world) : routers,
    replacementSsh: (instance) =>
      waitFor(
        `an SSH server for ${instance.instanceId}`,
        () => Promise.resolve(world.resolveSsh(instance.instanceId)),
        10_000,
      ).then((e) => ({ host: e.host, port: e.port })),
    scanHostKey: (endpoint) => scanHostKey({ ...endpoint, timeoutMs: 3000 }),
    routerFacts: createRouterFactsStore(redis, prefix),
    clock: Date.now,
    tunnelWait: { timeoutMs: options.tunnelTimeoutMs ?? 5000, pollMs: 20 },
    ...options.deps,
  };
  const engines: Engine[] = [];
  const workers: Worker[] = [];
  const newEngine = ({ afterStep = options.afterStep }: { afterStep?: AfterStep } = {}) => {
    const engine = createEngine<ScaleDeps>({
      describeCommand: rebuildCommandLine,
      redis,
      prefix,
      queue,
      runbooks: {
        scaleup: withAfterStep(createScaleRunbook('up'), afterStep),
        scaledown: withAfterStep(createScaleRunbook('down'), afterStep),
      },
      deps,
      observers: [observer],
      logger: silentLog,
      observerTimeoutMs: 500,
      leaseTtlMs: 5_000,
    });
    engines.push(engine);
    return engine;
  };
  const engine = newEngine();
  const bench: ScaleBench = {
    world,
    loaded,
    cloud,
    engine,
    deps,
    observer,
    queue,
    prefix,
    newEngine,
    startWorker(target = engine, processor) {
      const connection = testRedis();
      const inner = createRunJobProcessor(target, { logger: silentLog });
      const worker = startWorker({
        connection,
        prefix,
        concurrency: 2,
        processor: processor
          ? (job, token) => processor(job.data.runId, () => inner(job, token))
          : inner,
        maxStalledCount: 5,
        logger: silentLog,
        onJobGaveUp: recordGaveUp(target),
      });
      worker.on('closed', () => connection.disconnect());
      workers.push(worker);
      return worker;
    },
    async submit(o = {}) {
      return engine.submit(
        buildRunRequest({
          kind: o.kind ?? 'scaleup',
          target: HUB,
          params: o.type ? { type: o.type } : {},
          dryRun: o.dryRun ?? false,
          ...(o.approval ? { approval: BOB_APPROVES } : {}),
        }),
      );
    },
    finished: (runId, target = engine) =>
      waitFor(
        `run ${runId} to finish`,
        async () => {
          const run = await target.get(runId);
          return run &&
            ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'cancelled'].includes(
              run.status,
            )
            ? run
            : undefined;
        },
        30_000,
      ),
    async cleanup() {
      await Promise.all(workers.map((w) => w.close(true)));
      await queue.close();
      await Promise.all(engines.map((e) => e.close()));
      await routers.closeAll();
      await pool.closeAll();
      cloud.close();
      await world.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bench;
}

/**
 * What the world says about the hub now: instances, the Elastic IP's holder, the routes' targets,
 * RunInstances count.
 */
export function hubState(world: World, oldInstanceId: string) {
  const state = world.state;
  const hubRouter = world.topology.routers.find((r) => r.name === HUB)!;
  const address = [...state.addresses.values()].find(
    (a) => a.allocationId === hubRouter.elasticIp!.allocationId,
  )!;
  const launched = [...state.instances.values()].filter(
    (i) => i.instanceId !== oldInstanceId && i.tags['flatnet:router'] === HUB,
  );
  const old = state.getInstance(oldInstanceId)!;
  const routeTargets = [...state.routeTables.values()].flatMap((t) =>
    t.routes.flatMap((r) =>
      r.networkInterfaceId
        ? [{ table: t.routeTableId, destination: r.destination, eni: r.networkInterfaceId }]
        : [],
    ),
  );
  return { address, launched, old, routeTargets };
}
