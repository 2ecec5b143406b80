/**
 * /vpn status over N routers at 200 ms of round-trip time on the SSH transport (the world's WAN
 * link: a handshake costs its round trips, each exchange one), from enqueue to result, through
 * the real engine, queue and worker. The first run opens every SSH session (cold); the warm
 * figure is the median of five more, as in a running worker. Goals (issue 15 §2): warm ≤ 1.5
 * round trips + render, cold ≤ 5 round trips (+ render); "render" is given 100 ms (queue,
 * worker, saving the run, building the report).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import type { DestinationStream } from 'pino';
import { createLogger } from '../src/log.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';
import { runStoreKeys } from '../src/runbook/run-store.js';
import { startOneSimRouter } from './one-sim-router.js';
import type { BenchResult } from './result.js';
import { buildOnce, startSimProcess, stopProcess } from './spawn-flatnet.js';

export const RTT_MS = 200;
const RENDER_MS = 100;

/**
 * `unread`: given, the routers the run could not read are handed to it instead of failing the
 * bench (status-500's cold run on a loaded machine: the world's 500 sshds key-exchanging on the
 * same two cores, some handshakes take longer than the 5 s a router is given).
 */
export async function timeOneStatus(
  runtime: Runtime,
  routers: number,
  unread?: (routers: string[]) => void,
): Promise<number> {
  const started = performance.now();
  const run = await runtime.engine.submit({
    kind: 'status',
    target: '*',
    params: {},
    requester: 'U0BENCH',
    origin: { kind: 'cli', channel: 'bench' },
    dryRun: false,
  });
  // Watch the status field alone: reading the whole record every 5 ms (a 50-router result at
  // the end) cost the worker's process, which this one is, 10–15 ms of CPU a run.
  const key = runStoreKeys(runtime.deps.prefix).run(run.id);
  for (;;) {
    const status = await runtime.redis.hget(key, 'status');
    const current =
      status === 'succeeded' || status === 'failed' ? await runtime.engine.get(run.id) : undefined;
    if (current && ['succeeded', 'failed'].includes(current.status)) {
      if (current.status !== 'succeeded')
        throw new Error(`status run ${run.id} ${current.status}: ${current.error ?? ''}`);
      const read =
        (
          current.steps[0]?.result as {
            routers?: { router: string; reachable: boolean; error?: string }[];
          }
        )?.routers ?? [];
      const unreachable = read.filter((r) => !r.reachable);
      if (unread && read.length === routers) unread(unreachable.map((r) => r.router));
      else if (read.length !== routers || unreachable.length > 0)
        throw new Error(
          `the bench expects ${routers} reachable routers, got ${read.length} with ` +
            `${unreachable.length} unreachable (${unreachable[0]?.error ?? ''})`,
        );
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface StatusFleet {
  runtime: Runtime;
  routers: number;
  close(): Promise<void>;
}

/**
 * A world of `routers` routers at `rttMs` in its own process (`flatnet sim`, as the demo runs
 * it: the routers' CPU is not flatnet's), and a runtime with its worker in this one.
 */
export async function startStatusFleet(
  routers: number,
  label: string,
  rttMs = RTT_MS,
  log?: DestinationStream,
): Promise<StatusFleet> {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), `flatnet-bench-${label}-`));
  // The reference topology has 7 routers; the rest are spokes.
  const sim = await startSimProcess([
    '--routers',
    String(routers - 7),
    '--ssh-latency-ms',
    String(rttMs),
    '--dir',
    dir,
  ]);
  const prefix = `flatnet-bench-${label}-${process.pid}`;
  const runtime = await createRuntime({
    loaded: loadInventory(sim.inventory),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix,
    logger: createLogger({ level: 'warn' }, log),
    worker: { concurrency: 4 },
  }).catch(async (err: unknown) => {
    // The world is a process of its own: a bench that cannot use it must not leave it running.
    await stopProcess(sim.child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    runtime,
    routers,
    async close() {
      await dropRedisPrefix(runtime.redis, prefix);
      await runtime.close();
      await stopProcess(sim.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function measureStatus(
  fleet: StatusFleet,
): Promise<{ cold: number; warm: number; runs: number[] }> {
  const cold = await timeOneStatus(fleet.runtime, fleet.routers);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push(await timeOneStatus(fleet.runtime, fleet.routers));
  runs.sort((a, b) => a - b);
  return { cold, warm: runs[2]!, runs };
}

const inRtt = (ms: number) => `${(ms / RTT_MS).toFixed(1)} RTT`;

/**
 * On a shared 2-core machine the fleet's wall time is mostly waiting for a CPU (the bench's
 * world of 50 routers runs on the same two cores as flatnet). The round trips are measured
 * alone as well: one router's whole status read through the pool at 200 ms, cold (connect,
 * handshake, shell, read) and warm (one exchange): the fan-out runs every router's read at
 * once, so these are the network's part of the fleet's figures.
 */
export async function benchStatusFanout(): Promise<BenchResult[]> {
  const fleet = await startStatusFleet(50, 'status');
  const { cold, warm, runs } = await measureStatus(fleet).finally(() => fleet.close());
  const one = await measureOneRouter();
  console.log(
    `  status over 50 routers at ${RTT_MS} ms RTT: cold (sessions opening) ` +
      `${Math.round(cold)} ms; warm runs ${runs.map(Math.round).join(', ')} ms; one router's ` +
      `read: cold ${inRtt(one.cold)}, warm ${inRtt(one.warm)}`,
  );
  return [
    {
      name: 'status_fanout_50_routers_warm_ms',
      value: Math.round(warm),
      unit: 'ms',
      target: 1.5 * RTT_MS + RENDER_MS,
    },
    {
      name: 'status_fanout_50_routers_cold_ms',
      value: Math.round(cold),
      unit: 'ms',
      target: 5 * RTT_MS + RENDER_MS,
    },
    {
      name: 'status_read_warm_rtt',
      value: Number((one.warm / RTT_MS).toFixed(2)),
      unit: 'RTT',
      target: 1.5,
    },
    {
      name: 'status_read_cold_rtt',
      value: Number((one.cold / RTT_MS).toFixed(2)),
      unit: 'RTT',
      target: 5,
    },
  ];
}

/** One router's status read (what readRouterStatus asks, in one exchange) through the pool. */
async function measureOneRouter(): Promise<{ cold: number; warm: number }> {
  const sim = await startOneSimRouter(
    'hub-tokyo-a',
    () => ["set system host-name 'hub-tokyo-a'"],
    RTT_MS,
  );
  const read = { config: true, sas: true, routes: true, bgp: true, load: true, wireguard: [] };
  try {
    const timed = async () => {
      const t = performance.now();
      await sim.router.readAtOnce(read);
      return performance.now() - t;
    };
    const cold = await timed();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timed());
    return { cold, warm: warm.sort((a, b) => a - b)[2]! };
  } finally {
    await sim.close();
  }
}
