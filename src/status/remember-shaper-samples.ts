/**
 * The last shaper reading of each router, kept by the worker between `/vpn status` runs: a
 * rate needs two readings, and taking both in one status read would make every status wait
 * between them (a `sleep` on the router: a second per router, against a warm read of one
 * round trip; docs/performance.md). So each status compares with the previous one; the first
 * after a start (or on another worker) shows no rate, only what it will compare with next.
 */
import type { ConfigLine, ShaperSample } from '../vyos/types.js';
import { compareShaperSamples, MIN_INTERVAL_SECONDS, type ShaperLoad } from './shaper-load.js';

export interface ShaperMemory {
  /** The interfaces read last time: asked in the same round trip as the rest. */
  expected(router: string): string[];
  /** The loads since the last reading, and this reading kept for the next. */
  compare(router: string, samples: ShaperSample[], config: readonly ConfigLine[]): ShaperLoad[];
}

export function createShaperMemory(): ShaperMemory {
  const last = new Map<string, Map<string, ShaperSample>>();
  return {
    expected: (router) => [...(last.get(router)?.keys() ?? [])],
    compare(router, samples, config) {
      const before = last.get(router) ?? new Map<string, ShaperSample>();
      const kept = new Map<string, ShaperSample>();
      const loads: ShaperLoad[] = [];
      for (const sample of samples) {
        if (sample.error) continue;
        const prev = before.get(sample.iface);
        const interval = prev ? sample.uptimeSeconds - prev.uptimeSeconds : 0;
        if (prev) loads.push(...compareShaperSamples(prev, sample, config));
        // Too soon to tell: the older reading stays the base, so the next read can judge.
        const tooSoon = prev && interval >= 0 && interval < MIN_INTERVAL_SECONDS;
        kept.set(sample.iface, tooSoon ? prev : sample);
      }
      last.set(router, kept);
      return loads;
    },
  };
}
