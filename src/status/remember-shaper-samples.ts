/**
 * The last shaper reading of each router, kept between `/vpn status` runs: a rate needs two
 * readings, and taking both in one status read would make every status wait between them (a
 * `sleep` on the router: a second per router, against a warm read of one round trip;
 * docs/performance.md). So each status compares with the previous one.
 *
 * The readings are kept in a store (Redis), shared by every worker and outliving a restart: the
 * first status after a deploy compares with the last one before it, whichever worker ran it.
 * The clock compared is the router's own (`/proc/uptime`), so two workers' readings compare as
 * well as one's. A memory lives for one status run: it recalls before the routers are read and
 * keeps after.
 */
import type { ConfigLine, ShaperSample } from '../vyos/types.js';
import {
  compareShaperSamples,
  MAX_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
  type ShaperLoad,
} from './shaper-load.js';
import type { RedisClient } from '../util/redis-client.js';

export interface ShaperMemory {
  /** Fetches the kept readings of these routers (any worker's) before they are read. */
  recall(routers: readonly string[]): Promise<void>;
  /** The interfaces read last time: asked in the same round trip as the rest. */
  expected(router: string): string[];
  /** The loads since the last reading, and this reading kept for the next. */
  compare(router: string, samples: ShaperSample[], config: readonly ConfigLine[]): ShaperLoad[];
  /** Writes what `compare` kept since the last `keep`, for the next run on any worker. */
  keep(): Promise<void>;
}

/** Where readings are kept between runs: one JSON list of samples per router. */
export interface ShaperReadingStore {
  read(routers: readonly string[]): Promise<Map<string, ShaperSample[]>>;
  write(readings: Map<string, ShaperSample[]>): Promise<void>;
}

export function createShaperMemory(store: ShaperReadingStore): ShaperMemory {
  const last = new Map<string, Map<string, ShaperSample>>();
  const changed = new Set<string>();
  return {
    async recall(routers) {
      for (const [router, samples] of await store.read(routers))
        last.set(router, new Map(samples.map((s) => [s.iface, s])));
    },
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
      changed.add(router);
      return loads;
    },
    async keep() {
      if (changed.size === 0) return;
      const readings = new Map([...changed].map((r) => [r, [...(last.get(r)?.values() ?? [])]]));
      changed.clear();
      await store.write(readings);
    },
  };
}

/**
 * The readings in one Redis hash, a field per router. Counters, class handles and the router's
 * uptime: nothing secret. The hash expires with the longest interval still compared, so a
 * fleet nobody asks about leaves nothing behind.
 */
export function createShaperReadingStore(redis: RedisClient, prefix: string): ShaperReadingStore {
  const key = `${prefix}:shaper-readings`;
  return {
    async read(routers) {
      const found = new Map<string, ShaperSample[]>();
      if (routers.length === 0) return found;
      const values = await redis.hmget(key, ...routers);
      routers.forEach((router, i) => {
        const value = values[i];
        if (typeof value !== 'string') return;
        // Only flatnet writes here; a value of another shape (an older version's) is no base.
        const samples: unknown = JSON.parse(value);
        if (Array.isArray(samples)) found.set(router, samples as ShaperSample[]);
      });
      return found;
    },
    async write(readings) {
      const kept = [...readings].filter(([, samples]) => samples.length > 0);
      const gone = [...readings].filter(([, samples]) => samples.length === 0).map(([r]) => r);
      const batch = redis.multi();
      // A router that shapes nothing (any more) leaves no field behind.
      if (gone.length > 0) batch.hdel(key, ...gone);
      if (kept.length > 0)
        batch.hset(key, ...kept.flatMap(([router, samples]) => [router, JSON.stringify(samples)]));
      const replies = await batch.expire(key, MAX_INTERVAL_SECONDS).exec();
      for (const [err] of replies ?? []) if (err) throw err;
    },
  };
}
