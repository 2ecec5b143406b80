import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { FlatnetError } from '../errors.js';
import type { RedisClient } from '../util/redis-client.js';
import {
  clusterOptions,
  clusterRetryOptions,
  describeRedisTarget,
  redisSettingNames,
  redisTargetOf,
  sentinelOptions,
  type RedisSetting,
} from './redis-target.js';

export { redactRedisUrl } from './redis-target.js';

export type RedisRole = 'worker' | 'producer';

/**
 * The one way flatnet connects to Redis (the bot, the workers, the monitor, BullMQ's queues and
 * workers, the thread reporter): to a URL, a Sentinel-watched master or a Cluster, shaped for
 * its role (see the BullMQ notes in docs/redis-ha.md):
 * - `worker`: `maxRetriesPerRequest: null`, because BullMQ's blocking commands must wait out a
 *   Redis restart or a failover instead of failing the runbook that is half done.
 * - `producer` (the Slack handlers): `enableOfflineQueue: false`, so a dead Redis fails the
 *   command at once with a message, inside Slack's 3-second ack, instead of queueing silently.
 *
 * Resolves once Redis answered; rejects with a FlatnetError('REDIS') naming the fix otherwise.
 */
export async function createRedisConnection(
  setting: RedisSetting,
  role: RedisRole,
  options: { connectTimeoutMs?: number } = {},
): Promise<RedisClient> {
  const connectTimeout = options.connectTimeoutMs ?? 3_000;
  const shaped: RedisOptions = {
    lazyConnect: true,
    connectTimeout,
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
  };
  const target = redisTargetOf(setting);
  const redis: RedisClient =
    target.mode === 'cluster'
      ? new Cluster(target.nodes, {
          ...clusterOptions(target, shaped),
          ...clusterRetryOptions(role),
          lazyConnect: true,
          enableOfflineQueue: role === 'worker',
        })
      : target.mode === 'sentinel'
        ? new Redis({ ...sentinelOptions(target), ...shaped })
        : new Redis(target.url, shaped);
  // Without a listener ioredis prints every reconnect attempt as an unhandled error event.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new FlatnetError(
      'REDIS',
      `${describeRedisTarget(setting)} is not answering (${(err as Error).message})`,
      'start it (`redis-server --daemonize yes`, or `docker compose up -d redis`) ' +
        `or set ${redisSettingNames(setting)} to a running one`,
      { cause: err },
    );
  }
}
