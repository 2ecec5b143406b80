/**
 * Where flatnet's Redis is: one server by URL, a Sentinel-watched master, or a Cluster. Read
 * once from the environment (src/cli/redis-settings.ts) and handed to the one connection
 * factory (create-redis-connection.ts), so the bot, the workers, the monitor and BullMQ all
 * follow the same master through a failover. docs/redis-ha.md says why each choice.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { NO_REPLICA_ACK, type ReplicaAck } from '../runbook/replica-ack.js';
import { DEFAULT_PREFIX } from './run-queue.js';

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { mode: 'url'; url: string }
  | {
      mode: 'sentinel';
      sentinels: HostPort[];
      /** The master's name in the sentinels' configuration (`sentinel monitor <name> …`). */
      name: string;
      password?: string;
      sentinelPassword?: string;
      tls: boolean;
    }
  | { mode: 'cluster'; nodes: HostPort[]; password?: string; tls: boolean };

/** A `redis://` or `rediss://` URL, or a target read from the environment. */
export type RedisSetting = string | RedisTarget;

export function redisTargetOf(setting: RedisSetting): RedisTarget {
  return typeof setting === 'string' ? { mode: 'url', url: setting } : setting;
}

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

const hostPorts = (list: HostPort[]): string =>
  list
    .map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`))
    .join(',');

/** For messages and logs: where, never a password. */
export function describeRedisTarget(setting: RedisSetting): string {
  const target = redisTargetOf(setting);
  switch (target.mode) {
    case 'url':
      return `Redis at ${redactRedisUrl(target.url)}`;
    case 'sentinel':
      return `the Redis master "${target.name}" of the sentinels ${hostPorts(target.sentinels)}`;
    case 'cluster':
      return `the Redis Cluster at ${hostPorts(target.nodes)}`;
  }
}

/** The variables that point at this Redis, for a fix that names them. */
export function redisSettingNames(setting: RedisSetting): string {
  const mode = redisTargetOf(setting).mode;
  if (mode === 'sentinel') return 'REDIS_SENTINELS and REDIS_SENTINEL_NAME';
  if (mode === 'cluster') return 'REDIS_CLUSTER_NODES';
  return 'REDIS_URL';
}

/**
 * A Sentinel or Cluster keeps every flatnet key under one hash tag, so BullMQ's scripts and
 * flatnet's (which read a job's lock and a run's record together) never cross a slot.
 */
export const CLUSTER_PREFIX = '{flatnet}';

/** Whether a prefix puts every key under it in one cluster slot (`{…}` at its start). */
export function isHashTagged(prefix: string): boolean {
  return /^\{[^{}]+\}/.test(prefix);
}

/**
 * A master that was demoted (it came back as a replica after a failover) answers writes with
 * READONLY: reconnect, and the sentinels name the new master.
 */
const reconnectOnReadonly = (err: Error): 2 | false =>
  err.message.startsWith('READONLY') ? 2 : false;

/** The ioredis options of a Sentinel target (the master, found through the sentinels). */
export function sentinelOptions(target: Extract<RedisTarget, { mode: 'sentinel' }>): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.name,
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    reconnectOnError: reconnectOnReadonly,
  };
}

/**
 * How long a command waits while the Cluster replaces a dead master. ioredis retries a command
 * whose node connection closed (`retryDelayOnFailover`), that met CLUSTERDOWN or MOVED, at
 * most `maxRedirections` times: by default 16 retries 100 ms apart, 1.6 s, shorter than a
 * failover (`cluster-node-timeout`, 15 s by default, plus the replica's election). A MOVED is
 * retried after a pause too: while the cluster converges, a node still naming the old master
 * in a slot refresh sends the command back there (16 at once ran out in the tests).
 * - `worker`: a minute, so a run's save waits for the new master instead of failing the step.
 * - `producer`: about two seconds, inside Slack's three, then the person is told Redis is not
 *   answering and nothing was started (engine.ts, `unlessRedisIsDown`).
 */
export function clusterRetryOptions(role: 'worker' | 'producer'): ClusterOptions {
  const pauseMs = 200;
  const patienceMs = role === 'worker' ? 60_000 : 2_000;
  return {
    retryDelayOnFailover: pauseMs,
    retryDelayOnClusterDown: pauseMs,
    retryDelayOnTryAgain: pauseMs,
    retryDelayOnMoved: pauseMs,
    maxRedirections: Math.ceil(patienceMs / pauseMs),
  };
}

/** The ioredis Cluster options of a Cluster target; `redisOptions` are per node. */
export function clusterOptions(
  target: Extract<RedisTarget, { mode: 'cluster' }>,
  redisOptions: RedisOptions,
): ClusterOptions {
  return {
    redisOptions: {
      ...redisOptions,
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    // A new master after a failover is learnt from MOVED replies and a refreshed slot map.
    slotsRefreshTimeout: 2_000,
    enableReadyCheck: true,
  };
}

/**
 * The key prefix: the one asked for, else `{flatnet}` on a Cluster and `flatnet` elsewhere
 * (existing installs keep their keys). On a Cluster an untagged prefix is refused: BullMQ's
 * scripts and flatnet's read a job's lock and a run's record in one script.
 */
export function choosePrefix(setting: RedisSetting, asked: string | undefined): string {
  const cluster = redisTargetOf(setting).mode === 'cluster';
  const prefix = asked ?? (cluster ? CLUSTER_PREFIX : DEFAULT_PREFIX);
  if (cluster && !isHashTagged(prefix))
    throw new SettingError(
      'FLATNET_REDIS_PREFIX',
      EXIT.redisUrl,
      `"${prefix}" spreads flatnet's keys over the cluster's slots`,
      `put it in braces ({${prefix.replace(/[{}]/g, '')}}) so that each script's keys share a slot`,
    );
  return prefix;
}

/**
 * Whom a write must reach before the world acts on it, by default: Sentinel means a replica
 * exists (one must hold it, 1 s at most); one server or a Cluster of bare masters has none.
 * REDIS_WAIT_REPLICAS and REDIS_WAIT_MS change it (src/cli/redis-settings.ts).
 */
export function defaultReplicaAck(setting: RedisSetting): ReplicaAck {
  return redisTargetOf(setting).mode === 'sentinel'
    ? { replicas: 1, timeoutMs: 1_000 }
    : NO_REPLICA_ACK;
}
