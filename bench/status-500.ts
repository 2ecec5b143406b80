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
 *
 * And the longest the worker's event loop was held during the runs: a run's BullMQ lock
 * (2.5 s, renewed every 0.5 s: src/queue/run-lock-timing.ts) is lost when the loop is held
 * for 2 s, and the run is then taken up again from its first step (before the judgement was
 * sliced, status at 500 lost its lock hundreds of times and never finished). Goal: 500 ms.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchResult } from './result.js';
import { RTT_MS, startStatusFleet, timeOneStatus } from './status-fanout.js';

const ROUTERS = 500;
const RENDER_MS_PER_ROUTER = 1;
const PEAK_RSS_MB = 512;
const LONGEST_BLOCK_MS = 500;

/** VmHWM: the highest RSS since the last reset (`clear_refs` 5, Linux ≥ 4.0). */
function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

export async function benchStatus500(): Promise<BenchResult[]> {
  // Every lock the worker lost (BullMQ says so on the worker's error event, which it logs).
  let lostLocks = 0;
  // Routers a run could not read, per run (a run that reads fewer is still timed, and says so).
  const unread: number[] = [];
  const log = {
    write(line: string) {
      if (/lock|stalled|not in the active state/i.test(line)) lostLocks++;
      process.stderr.write(line);
    },
  };
  const fleet = await startStatusFleet(ROUTERS, 'status-500', undefined, log);
  let cold: number;
  const warm: number[] = [];
  let peakMb: number;
  // The loop's delay sampled every 10 ms: its maximum is the longest the loop was held.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    // The world and the runtime are up; from here on the peak is the status runs'.
    resetPeakRss();
    delay.enable();
    cold = await timeOneStatus(fleet.runtime, ROUTERS, (names) => unread.push(names.length));
    for (let i = 0; i < 3; i++)
      warm.push(await timeOneStatus(fleet.runtime, ROUTERS, (names) => unread.push(names.length)));
    delay.disable();
    peakMb = peakRssMb();
  } finally {
    await fleet.close();
  }
  const longestBlockMs = delay.max / 1e6;
  warm.sort((a, b) => a - b);
  console.log(
    `  status over ${ROUTERS} routers at ${RTT_MS} ms RTT: cold ${Math.round(cold)} ms; ` +
      `warm runs ${warm.map(Math.round).join(', ')} ms; worker peak RSS ${peakMb.toFixed(0)} MB; ` +
      `event loop held at most ${Math.round(longestBlockMs)} ms; locks lost ${lostLocks}; ` +
      `routers not read per run (cold first) ${unread.join(', ')}`,
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
    {
      name: 'status_500_routers_longest_block_ms',
      value: Math.round(longestBlockMs),
      unit: 'ms',
      target: LONGEST_BLOCK_MS,
    },
    { name: 'status_500_routers_lost_locks', value: lostLocks, unit: '', target: 0 },
    {
      name: 'status_500_routers_unread',
      value: Math.max(...unread),
      unit: '',
      target: 0,
    },
  ];
}
