/**
 * A command asked while Redis is between masters (Sentinel promoting a replica, the old master
 * killed) waits here, at most `withinMs`, for the connection to be ready again, and is then
 * sent or refused at once. The producer connection keeps no offline queue on purpose: ioredis
 * cannot take back a queued command once its caller gave up (`commandTimeout` rejects the
 * caller and still sends the command when the connection returns), and a run created behind
 * the back of someone told "nothing was started" is worse than asking again. Waiting before
 * sending anything has neither problem. A Cluster stays ready while one master fails over:
 * its commands wait in ioredis's own retries instead (`clusterRetryOptions`).
 */
import type { RedisClient } from '../util/redis-client.js';

/** Inside Slack's 3 s for an answer, with room for the command itself. */
export const FAILOVER_WAIT_MS = 2_000;

export async function awaitRedisReady(redis: RedisClient, withinMs: number): Promise<void> {
  if (redis.status === 'ready' || withinMs <= 0) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, withinMs);
    redis.once('ready', done);
  });
}
