/**
 * /vpn status over N routers at 200 ms of round-trip time on the SSH transport (the world's WAN
 * link: a handshake costs its round trips, each exchange one), from enqueue to result, through
 * the real engine, queue and worker. The first run opens every SSH session (cold); the warm
 * figure is the median of five more, as in a running worker. Goals (issue 15 §2): warm ≤ 1.5
 * round trips + render, cold ≤ 5 round trips (+ render); "render" is given 100 ms (queue,
 * worker, saving the run, building the report).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../src/config/load-inventory.js';
import { createLogger } from '../src/log.js';
import { createRuntime, type Runtime } from '../src/wiring/create-runtime.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';
import type { BenchResult } from './result.js';
import { buildOnce, stopProcess } from './spawn-flatnet.js';

export const RTT_MS = 200;
const RENDER_MS = 100;

export async function timeOneStatus(runtime: Runtime, routers: number): Promise<number> {
  const started = performance.now();
  const run = await runtime.engine.submit({
    kind: 'status',
    target: '*',
    params: {},
    requester: 'U0BENCH',
    origin: { kind: 'cli', channel: 'bench' },
    dryRun: false,
  });
  for (;;) {
    const current = await runtime.engine.get(run.id);
    if (current && ['succeeded', 'failed'].includes(current.status)) {
      if (current.status !== 'succeeded')
        throw new Error(`status run ${run.id} ${current.status}: ${current.error ?? ''}`);
      const read =
        (current.steps[0]?.result as { routers?: { reachable: boolean; error?: string }[] })
          ?.routers ?? [];
      const unreachable = read.filter((r) => !r.reachable);
      if (read.length !== routers || unreachable.length > 0)
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
  const loaded = loadInventory(sim.inventory);
  const prefix = `flatnet-bench-${label}-${process.pid}`;
  const runtime = await createRuntime({
    loaded,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix,
    logger: createLogger({ level: 'warn' }),
    worker: { concurrency: 4 },
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

/** `flatnet sim` in a child process, once it printed where everything is. */
async function startSimProcess(
  args: string[],
): Promise<{ child: ChildProcess; inventory: string; control: string }> {
  const child = spawn(process.execPath, ['dist/src/cli.js', 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        const ready = JSON.parse(line) as { inventory: string; control: string };
        resolve({ child, inventory: ready.inventory, control: ready.control });
      }
    });
    child.once('exit', (code) => reject(new Error(`flatnet sim exited with ${code}: ${seen}`)));
  });
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
 * On a shared 2-core machine the wall time is mostly waiting for a CPU. The same fleet at 0 ms
 * RTT costs the same CPU, so the difference is what the network costs: in round trips, that
 * is the figure the goals are about (warm ≤ 1.5, cold ≤ 5).
 */
export async function benchStatusFanout(): Promise<BenchResult[]> {
  const atRtt = await measureFleet(50, RTT_MS);
  const atZero = await measureFleet(50, 0);
  const rtts = (a: number, b: number) => Number(((a - b) / RTT_MS).toFixed(1));
  console.log(
    `  status over 50 routers at ${RTT_MS} ms RTT: cold (sessions opening) ` +
      `${Math.round(atRtt.cold)} ms; warm runs ${atRtt.runs.map(Math.round).join(', ')} ms; ` +
      `at 0 ms: cold ${Math.round(atZero.cold)} ms, warm ${Math.round(atZero.warm)} ms ` +
      `(the CPU part); network: warm ${inRtt(atRtt.warm - atZero.warm)}, ` +
      `cold ${inRtt(atRtt.cold - atZero.cold)}`,
  );
  return [
    {
      name: 'status_fanout_50_routers_warm_ms',
      value: Math.round(atRtt.warm),
      unit: 'ms',
      target: 1.5 * RTT_MS + RENDER_MS,
    },
    {
      name: 'status_fanout_50_routers_cold_ms',
      value: Math.round(atRtt.cold),
      unit: 'ms',
      target: 5 * RTT_MS + RENDER_MS,
    },
    {
      name: 'status_50_warm_network_rtt',
      value: rtts(atRtt.warm, atZero.warm),
      unit: 'RTT',
      target: 1.5,
    },
    {
      name: 'status_50_cold_network_rtt',
      value: rtts(atRtt.cold, atZero.cold),
      unit: 'RTT',
      target: 5,
    },
  ];
}

async function measureFleet(routers: number, rttMs: number) {
  const fleet = await startStatusFleet(routers, `status-${rttMs}`, rttMs);
  try {
    return await measureStatus(fleet);
  } finally {
    await fleet.close();
  }
}
