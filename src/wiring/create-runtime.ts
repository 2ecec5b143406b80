/**
 * The composition root: the one place that builds the engine, the queue, the adapters and
 * the runbooks from an inventory and wires them together. The bot, the worker, the CLI, the
 * demo and the integration tests all start here, so they run the same code paths.
 * (It imports jobs/ and commands/: the only module under src/ allowed to.)
 */
import type { RedisClient } from '../util/redis-client.js';
import type { Worker } from 'bullmq';
import type { LoadedInventory } from '../config/load-inventory.js';
import type { Logger } from '../log.js';
import type { Cloud } from '../aws/index.js';
import type { RouterPool } from '../vyos/router-pool.js';
import { rebuildCommandLine } from '../grammar/rebuild-command-line.js';
import { createEngine, type Engine } from '../runbook/engine.js';
import type { RunObserver } from '../runbook/observer.js';
import { createRedisConnection } from '../queue/create-redis-connection.js';
import { checkRedisConfig } from '../queue/check-redis-config.js';
import { createRunQueue, type RunQueue } from '../queue/run-queue.js';
import { choosePrefix, defaultReplicaAck, type RedisSetting } from '../queue/redis-target.js';
import type { ReplicaAck } from '../runbook/replica-ack.js';
import { startWorker } from '../queue/start-worker.js';
import { createRunJobProcessor, recordGaveUp } from '../queue/run-job-processor.js';
import { closeGracefully } from '../queue/close-gracefully.js';
import type { ChatPort } from '../slack/chat-port.js';
import { createThreadReporter } from '../slack/thread-reporter.js';
import { createPromptIndex, type PromptIndex } from '../slack/reporter/thread-store.js';
import { connectCloud, connectRouters, routerEndpoints } from './connect-to-network.js';
import { buildRunbooks, type RunbookDeps } from './runbooks.js';
import { scaleDeps, type ReplacementSsh } from './scale-wiring.js';
import { createLiveRouters } from '../live/create-live-routers.js';
import { runRouterSnapshots } from '../live/run-router-snapshot.js';
import { createInventoryInForce, type ReloadResult } from '../live/inventory-in-force.js';
import type { Run } from '../runbook/types.js';
import { createMetricsObserver } from '../metrics/record-run-metrics.js';
import type { SlashDeps } from '../../commands/handle-slash-command.js';
import { runMonitorRound, type MonitorDeps } from '../../jobs/monitor.js';
import { MonitorStore } from '../monitor/monitor-store.js';
import { createIncidentThreads } from '../monitor/incident-thread.js';
import { startMonitorScheduler, type MonitorScheduler } from '../monitor/monitor-scheduler.js';
import { createRoutersInForce, fleetKeyReader, readKeysInBackground } from './routers-in-force.js';
import { createFleetKeyCache } from '../onboarding/fleet-key-cache.js';

const DAY_MS = 24 * 3_600_000;

export interface RuntimeOptions {
  loaded: LoadedInventory;
  /** A redis:// URL, or a Sentinel or Cluster target (src/cli/redis-settings.ts reads it). */
  redisUrl: RedisSetting;
  prefix?: string;
  logger: Logger;
  /**
   * Where threads go (Slack). Absent: runs are still recorded and their events streamed (the CLI
   * reads those).
   */
  chat?: ChatPort;
  /** Start workers in this process. */
  worker?: { concurrency?: number };
  /** Replicas that must hold an approval, a lease or a step pointer first (redis-ha.md). */
  replicaAck?: ReplicaAck;
  /** How long a command waits for a new Redis master before it is refused (default 2 s). */
  failoverWaitMs?: number;
  /** Replace adapters (tests and the simulator may pass their own). */
  routers?: RouterPool;
  cloud?: Cloud;
  /** How to reach an instance launched after start (the simulator passes its resolver). */
  replacementSsh?: ReplacementSsh;
  /** Extra observers (the metrics observer is always there). */
  observers?: RunObserver[];
  /** Reload the inventory when its file changes on disk (the bot and the worker do). */
  watchInventory?: boolean;
  /**
   * Run the scheduled monitor in this process's worker (`flatnet worker` does; tests that
   * make routers fail on purpose must not have a monitor failing them over behind their back).
   */
  monitor?: boolean;
}

export interface Runtime {
  loaded: LoadedInventory;
  engine: Engine;
  queue: RunQueue;
  routers: RouterPool;
  cloud: Cloud;
  deps: RunbookDeps;
  slash: SlashDeps;
  /** The producer connection (fails fast): for reads such as the CLI's event tail use `redis`. */
  redis: RedisClient;
  /** Which run each approval prompt belongs to (the approval buttons ask it). */
  prompts: PromptIndex;
  worker?: Worker;
  /** Validate and take the inventory file again (SIGHUP); on a problem the old one stays. */
  reloadInventory(): Promise<ReloadResult>;
  /** The monitor's memory and one round on demand (tests, `/router monitor`). */
  monitor: { store: MonitorStore; deps: MonitorDeps; scheduler?: MonitorScheduler };
  /**
   * Open a session to every router in force and keep its WireGuard public keys, in the
   * background: the Slack front end calls it at start, so the first `--pubkey` check is quick
   * and a router that stops answering later is still compared with what it held.
   */
  openRouterSessions(): void;
  close(deadlineMs?: number): Promise<void>;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const prefix = choosePrefix(
    options.redisUrl,
    options.prefix ?? (process.env.FLATNET_REDIS_PREFIX || undefined),
  );
  const producer = await createRedisConnection(options.redisUrl, 'producer');
  await checkRedisConfig(producer, logger);
  const loaded = options.loaded;
  // The inventory in force: reloadable (SIGHUP, or the file changing) without a restart.
  const inventories = createInventoryInForce({
    loaded,
    readLogins: routerEndpoints,
    logger,
    ...(options.chat ? { chat: options.chat } : {}),
  });
  if (options.watchInventory) inventories.watch();
  const workerConnection = options.worker
    ? await createRedisConnection(options.redisUrl, 'worker')
    : undefined;
  // The engine's own patient connection for the runs this process works on (BullMQ keeps its
  // worker connection to itself: blocking reads and lock renewals).
  const engineWork = options.worker
    ? await createRedisConnection(options.redisUrl, 'worker')
    : undefined;
  const queue = createRunQueue({ connection: producer, prefix });
  // The bot's key files are read with each inventory, for the pool and the logins a
  // replacement reuses.
  const endpoints = inventories.current().logins;
  const routers = options.routers ?? connectRouters(loaded, logger, endpoints);
  const cloud = options.cloud ?? connectCloud(loaded, logger);
  const scale = scaleDeps({
    loaded,
    pool: routers,
    endpoints,
    redis: producer,
    prefix,
    logger,
    ...(options.replacementSsh ? { replacementSsh: options.replacementSsh } : {}),
  });
  const baseDeps: RunbookDeps = {
    inventory: loaded.inventory,
    routers,
    cloud,
    redis: producer,
    prefix,
    logger,
    ...(options.chat ? { chat: options.chat } : {}),
    scale: { ...scale, inventory: loaded.inventory, cloud },
  };
  // Every run resolves its routers when it is planned (src/live): a replacement or a failover
  // made by any process is what the next run anywhere works with, without a restart.
  const live = createLiveRouters({
    inventories,
    pool: routers,
    cloud,
    routerFacts: scale.routerFacts,
    snapshots: runRouterSnapshots(producer, prefix),
    logger,
  });
  const depsFor = async (run: Readonly<Run>): Promise<RunbookDeps> => {
    const { inventory, pool, snapshot } = await live.forRun(run.id);
    return {
      ...baseDeps,
      inventory,
      routers: pool,
      instances: snapshot.routers,
      scale: {
        ...baseDeps.scale,
        inventory,
        routers: { router: (name) => pool.router(name), forInstance: scale.routers.forInstance },
      },
    };
  };
  const deps = baseDeps;
  const routersInForce = createRoutersInForce({ inventories, live, pool: routers, logger });
  // A `--pubkey` is compared with every key the routers hold before its run exists; a router
  // that does not answer, with the public keys it gave when last read.
  const fleetKeyCache = createFleetKeyCache(producer, prefix);
  const { runbooks, planners } = buildRunbooks({
    fleetKeys: fleetKeyReader(routersInForce, logger, fleetKeyCache),
    logger,
  });
  const reporter = options.chat
    ? createThreadReporter({ chat: options.chat, redis: producer, prefix, logger })
    : undefined;
  const engine = createEngine({
    redis: producer,
    ...(engineWork ? { workRedis: engineWork } : {}),
    replicaAck: options.replicaAck ?? defaultReplicaAck(options.redisUrl),
    ...(options.failoverWaitMs !== undefined ? { failoverWaitMs: options.failoverWaitMs } : {}),
    prefix,
    queue,
    runbooks,
    deps,
    depsFor,
    observers: [
      ...(reporter ? [reporter] : []),
      createMetricsObserver({ redis: producer, prefix }),
      ...(options.observers ?? []),
    ],
    logger,
    describeCommand: rebuildCommandLine,
    // The inventory in force, so a reload changes the retention of the runs that end after it.
    runRetentionMs: () =>
      Math.round(inventories.current().loaded.inventory.history.retentionDays * DAY_MS),
  });

  let worker: Worker | undefined;
  if (workerConnection && options.worker) {
    worker = startWorker({
      connection: workerConnection,
      prefix,
      concurrency: options.worker.concurrency ?? 8,
      processor: createRunJobProcessor(engine, { logger }),
      logger,
      onJobGaveUp: recordGaveUp(engine),
    });
  }

  const monitorDeps: MonitorDeps = {
    current: () => routersInForce(),
    cloud,
    store: new MonitorStore(producer, prefix),
    engine,
    ...(options.chat
      ? {
          incidents: createIncidentThreads({
            chat: options.chat,
            channel: inventories.current().loaded.inventory.slack.channel,
            logger,
          }),
        }
      : {}),
    logger,
  };
  const scheduler =
    workerConnection && options.worker && options.monitor
      ? await startMonitorScheduler({
          connection: producer,
          workerConnection,
          prefix,
          intervalMs: loaded.inventory.monitor.intervalSeconds * 1000,
          runRound: (tick) => runMonitorRound(monitorDeps, tick),
          logger,
        })
      : undefined;

  return {
    get loaded() {
      return inventories.current().loaded;
    },
    engine,
    monitor: {
      store: monitorDeps.store,
      deps: monitorDeps,
      ...(scheduler ? { scheduler } : {}),
    },
    queue,
    routers,
    cloud,
    deps,
    openRouterSessions() {
      routersInForce()
        .then(({ inventory, routers: pool }) =>
          readKeysInBackground(pool, Object.keys(inventory.routers), logger, fleetKeyCache),
        )
        .catch((err: unknown) => logger.warn({ err }, 'router sessions not opened at start'));
    },
    slash: {
      // Commands are checked against the inventory in force, reloaded or not.
      get inventory() {
        return inventories.current().loaded.inventory;
      },
      engine,
      planners,
      history: engine.store,
      monitor: monitorDeps.store,
      logger,
    },
    redis: producer,
    prompts: createPromptIndex(producer, prefix),
    ...(worker ? { worker } : {}),
    reloadInventory: () => inventories.reload(),
    async close(deadlineMs = 10_000) {
      inventories.close();
      await scheduler?.close();
      await closeGracefully(
        { workers: worker ? [worker] : [], queues: [queue], connections: [], logger },
        deadlineMs,
      );
      await reporter?.flush().catch(() => undefined);
      await reporter?.close().catch(() => undefined);
      await engine.close();
      await routers.closeAll();
      await scale.closeScaleRouters();
      cloud.close();
      producer.disconnect();
      workerConnection?.disconnect();
      engineWork?.disconnect();
    },
  };
}
