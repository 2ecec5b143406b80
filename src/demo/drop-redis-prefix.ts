import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../util/redis-client.js';

/** Deletes every key under `prefix:` (the demo's own keys, and nothing else). */
export async function dropRedisPrefix(redis: RedisClient, prefix: string): Promise<number> {
  // SCAN walks one server: on a Cluster, each master in turn.
  const servers: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  let dropped = 0;
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      // One key at a time on a Cluster: UNLINK of several keys must not cross a slot.
      for (const key of keys) dropped += await server.unlink(key);
    } while (cursor !== '0');
  }
  return dropped;
}
