import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../../src/util/redis-client.js';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key prefix per test, so parallel test files never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `flatnet-test-${label}-${randomBytes(4).toString('hex')}`;
}

export function testRedis(): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}

/** Delete every key under a prefix (tests clean up after themselves), on each master. */
export async function dropPrefix(redis: RedisClient, prefix: string): Promise<void> {
  for (const server of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      // One UNLINK per key on a Cluster, where keys of several slots may not go together.
      if (isCluster(redis)) for (const key of keys) await server.unlink(key);
      else if (keys.length > 0) await server.unlink(...keys);
    } while (cursor !== '0');
  }
}

/**
 * Every key under a prefix with its whole value, whatever its type, as one text: a test that
 * a secret reached no Redis key searches it (run records, events, BullMQ jobs, thread state).
 */
export async function dumpPrefix(redis: RedisClient, prefix: string): Promise<string> {
  const out: string[] = [];
  for (const server of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) out.push(key, JSON.stringify(await valueOf(server, key)));
    } while (cursor !== '0');
  }
  return out.join('\n');
}

async function valueOf(redis: Redis, key: string): Promise<unknown> {
  switch (await redis.type(key)) {
    case 'string':
      return redis.get(key);
    case 'hash':
      return redis.hgetall(key);
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, 0, -1, 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    default:
      return null;
  }
}
