/**
 * Issue 15 §3: `/vpn status` over 500 routers at the WAN model `status` uses (200 ms of
 * round-trip time on every router's SSH transport), from enqueue to result, through the real
 * engine, queue and worker, with the world in its own process (`flatnet sim`): the routers'
 * CPU is not flatnet's. Time cold (every session opening) and warm (the median of three runs
 * on pooled sessions), and the peak RSS of this process, which is the worker measuring it.
 *
 * Goals: the network's part is the same as at 50 routers (every router is read at once: 1.5
 * round trips warm, 5 cold, see status-fanout.ts), plus 1 ms a router to parse, judge and
 * render (500 ms), and the worker's peak within 512 MB, a common container limit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResult } from './result.js';
import { RTT_MS, startStatusFleet, timeOneStatus } from './status-fanout.js';

const ROUTERS = 500;
const RENDER_MS_PER_ROUTER = 1;
const PEAK_RSS_MB = 512;

/** VmHWM: the highest RSS since the last reset (`clear_refs` 5, Linux ≥ 4.0). */
function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

export async function benchStatus500(): Promise<BenchResult[]> {
  const fleet = await startStatusFleet(ROUTERS, 'status-500');
  let cold: number;
  const warm: number[] = [];
  let peakMb: number;
  try {
    // The world and the runtime are up; from here on the peak is the status runs'.
    resetPeakRss();
    cold = await timeOneStatus(fleet.runtime, ROUTERS);
    for (let i = 0; i < 3; i++) warm.push(await timeOneStatus(fleet.runtime, ROUTERS));
    peakMb = peakRssMb();
  } finally {
    await fleet.close();
  }
  warm.sort((a, b) => a - b);
  console.log(
    `  status over ${ROUTERS} routers at ${RTT_MS} ms RTT: cold ${Math.round(cold)} ms; ` +
      `warm runs ${warm.map(Math.round).join(', ')} ms; worker peak RSS ${peakMb.toFixed(0)} MB`,
  );
  const render = RENDER_MS_PER_ROUTER * ROUTERS;
  return [
    {
      name: 'status_500_routers_warm_ms',
      value: Math.round(warm[1]!),
      unit: 'ms',
      target: 1.5 * RTT_MS + render,
    },
    {
      name: 'status_500_routers_cold_ms',
      value: Math.round(cold),
      unit: 'ms',
      target: 5 * RTT_MS + render,
    },
    {
      name: 'status_500_routers_peak_rss_mb',
      value: Math.round(peakMb),
      unit: 'MB',
      target: PEAK_RSS_MB,
    },
  ];
}
