/**
 * The monitor's test bench: the simulated world and flatnet's real runtime (engine, worker,
 * SSH and EC2 adapters) on a unique Redis prefix, with the monitor's settings patched into
 * the inventory. Rounds are run explicitly (`round()`), never by waiting for a timer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/config/load-inventory.js';
import type { MonitorSettings } from '../../src/config/monitor-schema.js';
import { createLogger } from '../../src/log.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import type { MonitorStore } from '../../src/monitor/monitor-store.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { runMonitorRound, type RoundOutcome } from '../../jobs/monitor.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';
import { cleanUpTestWorld } from '../helpers/clean-up-test-world.js';

export interface MonitorWorld {
  world: World;
  runtime: Runtime;
  prefix: string;
  round(): Promise<Extract<RoundOutcome, { ran: true }>>;
  /**
   * Another worker on the same Redis prefix, running the scheduled monitor (as a second
   * `flatnet worker` would); closed with the bench.
   */
  addWorker(): Promise<Runtime>;
  close(): Promise<void>;
}

export async function startMonitorWorld(
  label: string,
  monitor: Partial<MonitorSettings>,
  /** `scheduled`: this runtime's worker runs the BullMQ-scheduled monitor too. */
  options: { scheduled?: boolean } = {},
): Promise<MonitorWorld> {
  const dir = mkdtempSync(join(tmpdir(), `flatnet-${label}-`));
  const prefix = uniquePrefix(label);
  const world = await startWorld({ dir, bootMs: 100, tunnelUpMs: 100 });
  const loaded = loadInventory(world.writeInventory(join(dir, 'flatnet.yml')));
  loaded.inventory.monitor = { ...loaded.inventory.monitor, probeTimeoutMs: 2000, ...monitor };
  const start = (scheduled: boolean) =>
    createRuntime({
      loaded,
      redisUrl,
      prefix,
      logger: createLogger({ level: 'silent' }),
      worker: { concurrency: 2 },
      monitor: scheduled,
    });
  const runtime = await start(options.scheduled ?? false);
  const others: Runtime[] = [];
  let n = 0;
  return {
    world,
    runtime,
    prefix,
    async round() {
      const outcome = await runMonitorRound(runtime.monitor.deps, `manual-${++n}`);
      if (!outcome.ran) throw new Error(`round ${n} did not run: ${outcome.reason}`);
      return outcome;
    },
    async addWorker() {
      const other = await start(true);
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await runtime.close();
      await world.close();
      await cleanUpTestWorld(prefix, dir);
    },
  };
}

/**
 * A round whose worker dies after it acted and before it saved the round: the store refuses
 * the save, as a killed process never makes it. The round's submits stand; its memory does not.
 */
export async function roundThatDiesBeforeSaving(runtime: Runtime): Promise<unknown> {
  const dying: MonitorStore = Object.create(runtime.monitor.store) as MonitorStore;
  dying.saveWatches = () => Promise.reject(new Error('the worker died'));
  return runMonitorRound({ ...runtime.monitor.deps, store: dying }, 'dies-after-submit').then(
    () => undefined,
    (err: unknown) => err,
  );
}

/**
 * A round whose worker dies while it asks for a failover or a scale proposal, after claiming
 * it: `before-submit` (the run was never submitted) or `before-recording` (submitted, its id
 * not yet recorded in the claim). From that point on nothing the round would do reaches Redis:
 * no submit, no release of the claim, no record, no save, as a killed process makes none.
 */
export async function roundThatDiesWhileSubmitting(
  runtime: Runtime,
  at: 'before-submit' | 'before-recording',
): Promise<unknown> {
  const died = () => Promise.reject(new Error('the worker died'));
  const dying: MonitorStore = Object.create(runtime.monitor.store) as MonitorStore;
  dying.saveWatches = died;
  dying.releaseFailover = died;
  dying.releaseScale = died;
  if (at === 'before-recording') {
    dying.recordFailoverRun = died;
    dying.recordScaleRun = died;
  }
  const { engine } = runtime.monitor.deps;
  const deps = {
    ...runtime.monitor.deps,
    store: dying,
    engine: at === 'before-submit' ? { get: engine.get.bind(engine), submit: died } : engine,
  };
  return runMonitorRound(deps, `dies-${at}`).then(
    () => undefined,
    (err: unknown) => err,
  );
}
