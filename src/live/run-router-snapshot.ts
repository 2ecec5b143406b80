/**
 * Each run's router snapshot, kept in the run's own Redis hash (field `routers`), so it goes
 * when the run goes. The first worker to resolve it wins (HSETNX): a resumed run, or one
 * executed after its approval, reads the snapshot it was planned with instead of resolving
 * again, because the approver approved that plan, on those instances.
 *
 * A snapshot resolved just before the run was asked for (the monitor round's, which decided a
 * failover) can be handed over under the run's id before the submit: the run's first job
 * takes it if it is still fresh then, instead of asking EC2 again (one EC2 round trip of a
 * failover's outage).
 */
import type { RedisClient } from '../util/redis-client.js';
import { runStoreKeys } from '../runbook/run-store.js';
import type { RouterSnapshot } from './router-snapshot.js';

export interface RunRouterSnapshots {
  get(runId: string): Promise<RouterSnapshot | undefined>;
  /**
   * The run's snapshot: the stored one; else the one handed over for it, when `fresh` accepts
   * it; else `resolve()`'s. Stored for the run's later jobs.
   */
  getOrResolve(
    runId: string,
    resolve: () => Promise<RouterSnapshot>,
    fresh?: (handedOver: RouterSnapshot) => Promise<boolean>,
  ): Promise<RouterSnapshot>;
  /** Offer `snapshot` to the run that will have this id, for `ttlMs` (then it is gone). */
  handOver(runId: string, snapshot: RouterSnapshot, ttlMs: number): Promise<void>;
}

const FIELD = 'routers';

export function runRouterSnapshots(redis: RedisClient, prefix: string): RunRouterSnapshots {
  const keys = runStoreKeys(prefix);
  const handedKey = (runId: string) => `${keys.run(runId)}:handed-over-routers`;
  const get = async (runId: string): Promise<RouterSnapshot | undefined> => {
    const raw = await redis.hget(keys.run(runId), FIELD);
    return raw === null ? undefined : (JSON.parse(raw) as RouterSnapshot);
  };
  const handedOver = async (runId: string): Promise<RouterSnapshot | undefined> => {
    const raw = await redis.get(handedKey(runId));
    return raw === null ? undefined : (JSON.parse(raw) as RouterSnapshot);
  };
  return {
    get,
    async getOrResolve(runId, resolve, fresh) {
      const stored = await get(runId);
      if (stored) return stored;
      const offered = fresh ? await handedOver(runId) : undefined;
      const snapshot = offered && (await fresh!(offered)) ? offered : await resolve();
      const won = await redis.hsetnx(keys.run(runId), FIELD, JSON.stringify(snapshot));
      return won === 1 ? snapshot : ((await get(runId)) ?? snapshot);
    },
    async handOver(runId, snapshot, ttlMs) {
      await redis.set(handedKey(runId), JSON.stringify(snapshot), 'PX', Math.max(1, ttlMs));
    },
  };
}
