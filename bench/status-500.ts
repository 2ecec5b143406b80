/**
 * Issue 15 §3: `/vpn status` and one monitor round at 500 routers (the simulated world in its
 * own process at 200 ms RTT; flatnet's runtime and worker in this one). Time: the cold run
 * (500 sessions opening, at most 64 at once) and the median of three warm runs; memory: this
 * process's resident set with the 500 sessions open and the reports made, and its growth
 * since before the runtime started. The issue gives no figures for these: the goals here are
 * the monitor's default interval (10 s) for a warm status and a round, and 512 MB.
 */
import { runMonitorRound } from '../jobs/monitor.js';
import type { BenchResult } from './result.js';
import { startStatusFleet, timeOneStatus } from './status-fanout.js';

const ROUTERS = 500;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export async function benchStatus500(): Promise<BenchResult[]> {
  const before = process.memoryUsage().rss;
  const fleet = await startStatusFleet(ROUTERS, 'status-500');
  try {
    const cold = await timeOneStatus(fleet.runtime, ROUTERS);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push(await timeOneStatus(fleet.runtime, ROUTERS));
    warm.sort((a, b) => a - b);
    const rounds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const outcome = await runMonitorRound(fleet.runtime.monitor.deps, `bench-500-${i}`);
      if (!outcome.ran) throw new Error(`monitor round did not run: ${outcome.reason}`);
      const down = outcome.summary.routers.filter((r) => !r.healthy);
      if (down.length > 0)
        console.log(`  round ${i}: ${down.length} probes failed (${down[0]!.error ?? ''})`);
      rounds.push(performance.now() - started);
    }
    rounds.sort((a, b) => a - b);
    const rss = process.memoryUsage().rss;
    console.log(
      `  status over ${ROUTERS} routers: cold ${Math.round(cold)} ms, warm ` +
        `${warm.map(Math.round).join(', ')} ms; monitor rounds ` +
        `${rounds.map(Math.round).join(', ')} ms; RSS ${mb(rss)} MB (+${mb(rss - before)} MB)`,
    );
    return [
      {
        name: 'status_500_routers_warm_ms',
        value: Math.round(warm[1]!),
        unit: 'ms',
        target: 10_000,
      },
      { name: 'status_500_routers_cold_ms', value: Math.round(cold), unit: 'ms', target: 30_000 },
      { name: 'status_500_routers_rss_mb', value: mb(rss), unit: 'MB', target: 512 },
      {
        name: 'monitor_round_ms_500_routers',
        value: Math.round(rounds[1]!),
        unit: 'ms',
        target: 10_000,
      },
    ];
  } finally {
    await fleet.close();
  }
}
