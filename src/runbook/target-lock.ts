import type { RedisClient } from '../util/redis-client.js';
import { runScript } from './lua-scripts.js';

/**
 * Who holds a target, and why: enough for "hub-tokyo-a is busy: r-7k2m9q (scaleup by <@U1>, since
 * 14:02 UTC)".
 */
export interface LockHolder {
  runId: string;
  kind: string;
  requester: string;
  since: number;
}

export type AcquireResult = { ok: true } | { ok: false; holder: LockHolder };

/**
 * A lease per target (router): a run that changes a router holds it while it runs, so a
 * second run is told who holds it instead of interleaving. A lease, not a lock forever: a
 * run whose workers all died frees the target after `ttlMs`; the holder renews it. It is
 * released in one place: the save that makes its run final (lua/save-run.lua).
 */
export class TargetLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The same key as RunStore.leaseKey: the final save of a run releases it there. */
  key(target: string): string {
    return `${this.prefix}:lock:${target}`;
  }

  async acquire(target: string, holder: LockHolder, ttlMs: number): Promise<AcquireResult> {
    const result = await runScript(
      this.redis,
      'acquire-target-lock',
      [this.key(target)],
      [JSON.stringify(holder), holder.runId, Math.ceil(ttlMs)],
    );
    if (result === 'ok') return { ok: true };
    return { ok: false, holder: JSON.parse(String(result)) as LockHolder };
  }

  /**
   * Every target's lease, or none (lua/acquire-target-locks.lua): a run that changes several
   * routers holds all of them or waits holding nothing. Refused: the first target held by
   * another run, and who holds it.
   */
  async acquireAll(
    targets: readonly string[],
    holder: LockHolder,
    ttlMs: number,
  ): Promise<{ ok: true } | { ok: false; target: string; holder: LockHolder }> {
    const result = String(
      await runScript(
        this.redis,
        'acquire-target-locks',
        targets.map((t) => this.key(t)),
        [JSON.stringify(holder), holder.runId, Math.ceil(ttlMs)],
      ),
    );
    if (result === 'ok') return { ok: true };
    const colon = result.indexOf(':');
    const target = targets[Number(result.slice(0, colon)) - 1] ?? '';
    return { ok: false, target, holder: JSON.parse(result.slice(colon + 1)) as LockHolder };
  }

  async renew(target: string, runId: string, ttlMs: number): Promise<boolean> {
    const held = await runScript(
      this.redis,
      'renew-target-lock',
      [this.key(target)],
      [runId, Math.ceil(ttlMs)],
    );
    return held === 1;
  }

  async whoHolds(target: string): Promise<LockHolder | undefined> {
    const current = await this.redis.get(this.key(target));
    return current ? (JSON.parse(current) as LockHolder) : undefined;
  }
}
