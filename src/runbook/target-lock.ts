import type { Redis } from 'ioredis';
import { defineLuaScript } from './lua-script.js';

/** Who holds a target, and why: enough for "hub-tokyo-a is busy: r-7k2m9q (scaleup by <@U1>, since 14:02 UTC)". */
export interface LockHolder {
  runId: string;
  kind: string;
  requester: string;
  since: number;
}

export type AcquireResult = { ok: true } | { ok: false; holder: LockHolder };

// KEYS: lock. ARGV: holder JSON, runId, ttl. The same run re-acquires (a resumed worker).
const acquireScript = defineLuaScript(
  'acquire-target-lock',
  `
local current = redis.call('GET', KEYS[1])
if current then
  local holder = cjson.decode(current)
  if holder.runId ~= ARGV[2] then return current end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 'ok'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 'ok'`,
);

// KEYS: lock. ARGV: runId, ttl. 1 while the run still holds the lease.
const renewScript = defineLuaScript(
  'renew-target-lock',
  `
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).runId ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
);

// KEYS: lock. ARGV: runId. Only the holder releases.
const releaseScript = defineLuaScript(
  'release-target-lock',
  `
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).runId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
);

/**
 * A lease per target (router): a run that changes a router holds it while it runs, so a
 * second run is told who holds it instead of interleaving. A lease, not a lock forever: a
 * run whose workers all died frees the target after `ttlMs`; the holder renews it.
 */
export class TargetLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(target: string): string {
    return `${this.prefix}:lock:${target}`;
  }

  async acquire(target: string, holder: LockHolder, ttlMs: number): Promise<AcquireResult> {
    const result = await acquireScript.run(
      this.redis,
      [this.key(target)],
      [JSON.stringify(holder), holder.runId, Math.ceil(ttlMs)],
    );
    if (result === 'ok') return { ok: true };
    return { ok: false, holder: JSON.parse(String(result)) as LockHolder };
  }

  async renew(target: string, runId: string, ttlMs: number): Promise<boolean> {
    return (await renewScript.run(this.redis, [this.key(target)], [runId, Math.ceil(ttlMs)])) === 1;
  }

  async release(target: string, runId: string): Promise<boolean> {
    return (await releaseScript.run(this.redis, [this.key(target)], [runId])) === 1;
  }

  async whoHolds(target: string): Promise<LockHolder | undefined> {
    const current = await this.redis.get(this.key(target));
    return current ? (JSON.parse(current) as LockHolder) : undefined;
  }
}
