/**
 * A connection to flatnet's Redis: one server (or a Sentinel-watched master), or a Cluster.
 * Both speak the same commands and scripts; code that needs one or the other (a duplicate for
 * a blocking read, `WAIT`) asks `isCluster`.
 */
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}
