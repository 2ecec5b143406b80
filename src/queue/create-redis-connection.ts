import { Redis } from 'ioredis';
import { FlatnetError } from '../errors.js';

export type RedisRole = 'worker' | 'producer';

/** The URL as it may be shown to a person: a password in it never reaches a message or a log. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * One ioredis connection, shaped for its role (see the BullMQ notes in DESIGN/reference):
 * - `worker`: `maxRetriesPerRequest: null`, because BullMQ's blocking commands must wait out a
 *   Redis restart instead of failing the runbook that is half done.
 * - `producer` (the Slack handlers): `enableOfflineQueue: false`, so a dead Redis fails the
 *   command at once with a message, inside Slack's 3-second ack, instead of queueing silently.
 *
 * Resolves once Redis answered; rejects with a FlatnetError('REDIS') naming the fix otherwise.
 */
export async function createRedisConnection(
  url: string,
  role: RedisRole,
  options: { connectTimeoutMs?: number } = {},
): Promise<Redis> {
  const connectTimeout = options.connectTimeoutMs ?? 3_000;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout,
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
  });
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
      `Redis at ${redactRedisUrl(url)} is not answering (${(err as Error).message})`,
      'start it (`redis-server --daemonize yes`, or `docker compose up -d redis`) ' +
        'or set REDIS_URL to a running one',
      { cause: err },
    );
  }
}
