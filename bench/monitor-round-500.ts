/**
 * Issue 15 §3: one monitor round over 500 routers at 200 ms of round-trip time on every
 * router's SSH transport (`monitor_round_500_routers_ms`), with the world in its own process
 * (`flatnet sim`) and the round called directly, as the scheduler's worker calls it. The
 * first round opens every session (the cold figures); the main figure is the median of three
 * warm rounds, as in a running worker. Goal: both fit in the monitor's 10 s interval.
 */
import { runMonitorRound } from '../jobs/monitor.js';
import type { Runtime } from '../src/wiring/create-runtime.js';
import type { BenchResult } from './result.js';
import { RTT_MS, startStatusFleet } from './status-fanout.js';

const ROUTERS = 500;
const INTERVAL_MS = 10_000;

/**
 * A round's time and how many probes failed. A failed probe is not fatal here: the round is
 * bounded by the probe timeout either way, so the figure is only worth its healthy count,
 * reported beside it (a round that fits the interval by timing probes out is not a pass).
 */
async function timeOneRound(runtime: Runtime, tick: string): Promise<Round> {
  const started = performance.now();
  const outcome = await runMonitorRound(runtime.monitor.deps, tick);
  const ms = performance.now() - started;
  if (!outcome.ran) throw new Error(`round ${tick} did not run: ${outcome.reason}`);
  if (outcome.summary.routers.length !== ROUTERS)
    throw new Error(`the round probed ${outcome.summary.routers.length} routers, not ${ROUTERS}`);
  const down = outcome.summary.routers.filter((r) => !r.healthy);
  return { ms, down: down.length, ...(down[0]?.error ? { error: down[0].error } : {}) };
}

interface Round {
  ms: number;
  down: number;
  error?: string;
}

export async function benchMonitorRound500(): Promise<BenchResult[]> {
  const fleet = await startStatusFleet(ROUTERS, 'monitor-500');
  let cold: Round;
  const warm: Round[] = [];
  try {
    cold = await timeOneRound(fleet.runtime, 'bench-500-cold');
    for (let i = 0; i < 3; i++) warm.push(await timeOneRound(fleet.runtime, `bench-500-${i}`));
  } finally {
    await fleet.close();
  }
  warm.sort((a, b) => a.ms - b.ms);
  const say = (r: Round) => `${Math.round(r.ms)} ms (${r.down} probes failed)`;
  console.log(
    `  monitor round over ${ROUTERS} routers at ${RTT_MS} ms RTT: cold ${say(cold)}; ` +
      `warm rounds ${warm.map(say).join(', ')}${warm[1]!.error ? `; ${warm[1]!.error}` : ''}`,
  );
  return [
    {
      name: 'monitor_round_500_routers_ms',
      value: Math.round(warm[1]!.ms),
      unit: 'ms',
      target: INTERVAL_MS,
    },
    {
      name: 'monitor_round_500_routers_failed_probes',
      value: warm[1]!.down,
      unit: '',
      target: 0,
    },
    // The first round after a worker starts opens every session: it must fit the interval too.
    {
      name: 'monitor_round_500_routers_cold_ms',
      value: Math.round(cold.ms),
      unit: 'ms',
      target: INTERVAL_MS,
    },
    { name: 'monitor_round_500_routers_cold_failed_probes', value: cold.down, unit: '', target: 0 },
  ];
}
