/**
 * Each run's router snapshot, kept in the run's own Redis hash (field `routers`), so it goes
 * when the run goes. The first worker to resolve it wins (HSETNX): a resumed run, or one
 * executed after its approval, reads the snapshot it was planned with instead of resolving
 * again, because the approver approved that plan, on those instances.
 */
import type { RedisClient } from '../util/redis-client.js';
import { runStoreKeys } from '../runbook/run-store.js';
import type { RouterSnapshot } from './router-snapshot.js';

export interface RunRouterSnapshots {
  get(runId: string): Promise<RouterSnapshot | undefined>;
  /** The run's snapshot: the stored one, or `resolve()`'s, stored for the run's later jobs. */
  getOrResolve(runId: string, resolve: () => Promise<RouterSnapshot>): Promise<RouterSnapshot>;
}

const FIELD = 'routers';

export function runRouterSnapshots(redis: RedisClient, prefix: string): RunRouterSnapshots {
  const keys = runStoreKeys(prefix);
  const get = async (runId: string): Promise<RouterSnapshot | undefined> => {
    const raw = await redis.hget(keys.run(runId), FIELD);
    return raw === null ? undefined : (JSON.parse(raw) as RouterSnapshot);
  };
  return {
    get,
    async getOrResolve(runId, resolve) {
      const stored = await get(runId);
      if (stored) return stored;
      const fresh = await resolve();
      const won = await redis.hsetnx(keys.run(runId), FIELD, JSON.stringify(fresh));
      return won === 1 ? fresh : ((await get(runId)) ?? fresh);
    },
  };
}
