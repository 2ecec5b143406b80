/**
 * Redis settings flatnet relies on, checked once at start: BullMQ needs `maxmemory-policy
 * noeviction` (an evicted job lock or run record is a run lost or run twice), and a Redis that
 * neither appends nor snapshots forgets every run when it restarts. A problem is one warning
 * line with the fix, not a refusal: a managed Redis may be right and still hide its CONFIG.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { isCluster, type RedisClient } from '../util/redis-client.js';

export type RedisConfigVerdict =
  { ok: true } | { ok: false; problems: string[] } | { ok: 'unknown'; reason: string };

async function configOf(server: Redis): Promise<Map<string, string>> {
  const reply = (await server.call(
    'CONFIG',
    'GET',
    'maxmemory-policy',
    'appendonly',
    'save',
  )) as string[];
  const config = new Map<string, string>();
  for (let i = 0; i + 1 < reply.length; i += 2) config.set(String(reply[i]), String(reply[i + 1]));
  return config;
}

function problemsOf(where: string, config: Map<string, string>): string[] {
  const problems: string[] = [];
  const policy = config.get('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction')
    problems.push(
      `${where}maxmemory-policy is ${policy}, and Redis may evict BullMQ's jobs and locks: ` +
        'set `maxmemory-policy noeviction` (redis.conf, or CONFIG SET then CONFIG REWRITE)',
    );
  const appends = config.get('appendonly') === 'yes';
  const snapshots = (config.get('save') ?? '').trim() !== '';
  if (!appends && !snapshots)
    problems.push(
      `${where}persistence is off (appendonly no, save ""), so a restart forgets every run: ` +
        'set `appendonly yes` (and `appendfsync everysec` or always)',
    );
  return problems;
}

/** Reads each master's settings (every master of a Cluster). */
export async function readRedisConfigVerdict(redis: RedisClient): Promise<RedisConfigVerdict> {
  const servers = isCluster(redis) ? redis.nodes('master') : [redis];
  const problems: string[] = [];
  try {
    for (const server of servers) {
      const where = isCluster(redis) ? `${server.options.host}:${server.options.port} ` : '';
      problems.push(...problemsOf(where, await configOf(server)));
    }
  } catch (err) {
    return { ok: 'unknown', reason: (err as Error).message };
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

export async function checkRedisConfig(
  redis: RedisClient,
  logger: Logger,
): Promise<RedisConfigVerdict> {
  const verdict = await readRedisConfigVerdict(redis);
  if (verdict.ok === 'unknown')
    logger.warn(
      `Redis: could not read its settings (CONFIG GET answered "${verdict.reason}": ` +
        'a managed Redis often disables or renames CONFIG); make sure maxmemory-policy is ' +
        'noeviction and appendonly is yes in its console',
    );
  else if (!verdict.ok) logger.warn(`Redis: ${verdict.problems.join('; ')}`);
  return verdict;
}
