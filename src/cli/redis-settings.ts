/**
 * Where Redis is, from the environment: `REDIS_URL` (one server), `REDIS_SENTINELS` +
 * `REDIS_SENTINEL_NAME` (a master watched by Sentinel), or `REDIS_CLUSTER_NODES` (a Cluster),
 * with `REDIS_PASSWORD`, `REDIS_SENTINEL_PASSWORD` and `REDIS_TLS` for the last two. Each
 * refusal names the variable, what is wrong and the fix, and never echoes a password.
 */
import { SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { defaultReplicaAck, type HostPort, type RedisSetting } from '../queue/redis-target.js';
import { NO_REPLICA_ACK, type ReplicaAck } from '../runbook/replica-ack.js';
import { redisUrlSetting } from './startup-settings.js';

const refuse = (name: string, problem: string, fix: string): SettingError =>
  new SettingError(name, EXIT.redisUrl, problem, fix);

/** `host:port,host:port` (a bare host takes `defaultPort`; IPv6 as `[::1]:26379`). */
export function parseHostPorts(name: string, raw: string, defaultPort: number): HostPort[] {
  const example = `set it like 10.0.0.5:${defaultPort},10.0.0.6:${defaultPort}`;
  const entries = raw.split(',').map((e) => e.trim());
  if (entries.some((e) => e === ''))
    throw refuse(name, 'has an empty entry', `${example} (no spaces-only or trailing commas)`);
  return entries.map((entry) => {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+))(?::(\d{1,5}))?$/.exec(entry);
    const host = m?.[1] ?? m?.[2];
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!host || !(port >= 1 && port <= 65535))
      throw refuse(name, `"${entry.slice(0, 60)}" is not host:port`, example);
    return { host, port };
  });
}

function tlsSetting(env: NodeJS.ProcessEnv): boolean {
  const raw = (env.REDIS_TLS ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  throw refuse('REDIS_TLS', `"${raw.slice(0, 20)}" is not a yes or no`, 'set it to true or false');
}

/** The variables of a mode, when set while another mode is chosen. */
function strays(env: NodeJS.ProcessEnv, names: string[]): string[] {
  return names.filter((n) => env[n] !== undefined && env[n] !== '');
}

export function redisSetting(env: NodeJS.ProcessEnv): RedisSetting {
  const chosen = strays(env, ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']);
  if (chosen.length > 1)
    throw refuse(
      chosen.join(' and '),
      'are both set, and flatnet connects to one Redis',
      'keep REDIS_URL for one server, REDIS_SENTINELS for Sentinel or REDIS_CLUSTER_NODES ' +
        'for a Cluster, and unset the others',
    );
  const mode = chosen[0];
  const password = env.REDIS_PASSWORD || undefined;

  if (mode === 'REDIS_SENTINELS') {
    const sentinels = parseHostPorts(mode, env.REDIS_SENTINELS ?? '', 26379);
    const name = (env.REDIS_SENTINEL_NAME ?? '').trim();
    if (!name)
      throw refuse(
        'REDIS_SENTINEL_NAME',
        'is missing, and Sentinel needs the name of the master it watches',
        "set it to the name in the sentinels' `sentinel monitor <name> …` line (often mymaster)",
      );
    if (!/^[A-Za-z0-9_.-]+$/.test(name))
      throw refuse('REDIS_SENTINEL_NAME', 'is not a master name', 'use letters, digits, . _ -');
    const sentinelPassword = env.REDIS_SENTINEL_PASSWORD || undefined;
    return {
      mode: 'sentinel',
      sentinels,
      name,
      ...(password ? { password } : {}),
      ...(sentinelPassword ? { sentinelPassword } : {}),
      tls: tlsSetting(env),
    };
  }

  const sentinelOnly = strays(env, ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']);
  if (sentinelOnly.length > 0)
    throw refuse(
      sentinelOnly.join(' and '),
      'only apply to Sentinel',
      'set REDIS_SENTINELS=host:26379,host:26379 too, or unset ' + sentinelOnly.join(' and '),
    );

  if (mode === 'REDIS_CLUSTER_NODES') {
    const nodes = parseHostPorts(mode, env.REDIS_CLUSTER_NODES ?? '', 6379);
    return { mode: 'cluster', nodes, ...(password ? { password } : {}), tls: tlsSetting(env) };
  }

  // One server: everything is in the URL, so a second place for the same thing is refused.
  const urlOnly = strays(env, ['REDIS_PASSWORD', 'REDIS_TLS']);
  if (urlOnly.length > 0)
    throw refuse(
      urlOnly.join(' and '),
      'only apply to REDIS_SENTINELS or REDIS_CLUSTER_NODES',
      'with REDIS_URL put them in the URL (rediss://user:password@host:6380) and unset ' +
        urlOnly.join(' and '),
    );
  return redisUrlSetting(env);
}

/**
 * REDIS_WAIT_REPLICAS (how many replicas must hold an approval, a lease or a step pointer
 * before flatnet acts on it) and REDIS_WAIT_MS (how long to wait for them); by default one
 * replica for 1 s under Sentinel, none otherwise (docs/redis-ha.md).
 */
export function replicaAckSetting(env: NodeJS.ProcessEnv, setting: RedisSetting): ReplicaAck {
  const fallback = defaultReplicaAck(setting);
  const count = (name: string, raw: string | undefined, fallbackValue: number, max: number) => {
    if (raw === undefined || raw.trim() === '') return fallbackValue;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(value >= 0 && value <= max))
      throw refuse(name, `"${raw.slice(0, 20)}" is not a whole number`, `give 0 to ${max}`);
    return value;
  };
  const replicas = count('REDIS_WAIT_REPLICAS', env.REDIS_WAIT_REPLICAS, fallback.replicas, 16);
  const timeoutMs = count('REDIS_WAIT_MS', env.REDIS_WAIT_MS, fallback.timeoutMs || 1_000, 60_000);
  if (replicas > 0 && timeoutMs === 0)
    throw refuse('REDIS_WAIT_MS', 'is 0, which makes WAIT block forever', 'give 1 to 60000 ms');
  return replicas === 0 ? NO_REPLICA_ACK : { replicas, timeoutMs };
}
