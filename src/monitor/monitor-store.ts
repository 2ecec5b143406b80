/**
 * The monitor's memory in Redis, so that whichever worker runs the next round carries on:
 * per-router watches (one hash), the last round, maintenance pauses (keys with a TTL: a
 * forgotten pause expires by itself), the round lock, and the claims that ask each run once:
 * per incident for a failover, per router for a scale proposal (src/monitor/submit-under-claim.ts).
 */
import type { RedisClient } from '../util/redis-client.js';
import type { TunnelWatch } from './decide-tunnel.js';
import type { RoundSummary, RouterWatch } from './monitor-types.js';

export class MonitorStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'monitor', ...parts].join(':');
  }

  async watches(): Promise<Record<string, RouterWatch>> {
    const raw = await this.redis.hgetall(this.key('watch'));
    return Object.fromEntries(
      Object.entries(raw).map(([name, json]) => [name, JSON.parse(json) as RouterWatch]),
    );
  }

  async saveWatches(watches: Record<string, RouterWatch>): Promise<void> {
    const entries = Object.entries(watches).flatMap(([name, w]) => [name, JSON.stringify(w)]);
    if (entries.length > 0) await this.redis.hset(this.key('watch'), ...entries);
  }

  async lastRound(): Promise<RoundSummary | undefined> {
    const raw = await this.redis.get(this.key('last-round'));
    return raw ? (JSON.parse(raw) as RoundSummary) : undefined;
  }

  /**
   * Records a finished round. Returns how many times this tick has now run: more than 1
   * means a tick ran twice (what the three-worker test asserts never happens).
   */
  async recordRound(summary: RoundSummary): Promise<number> {
    const [, [, runs]] = (await this.redis
      .multi()
      .set(this.key('last-round'), JSON.stringify(summary))
      .hincrby(this.key('ticks'), summary.tick, 1)
      .exec()) as [[null, unknown], [null, number]];
    return runs;
  }

  /** Every tick that ran, with how often: the round count the tests compare with the scheduler. */
  async ticks(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key('ticks'));
    return Object.fromEntries(Object.entries(raw).map(([t, n]) => [t, Number(n)]));
  }

  /** One round at a time: a round slower than the interval makes the next tick skip. */
  async lockRound(tick: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key('round-lock'), tick, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlockRound(tick: string): Promise<void> {
    if ((await this.redis.get(this.key('round-lock'))) === tick)
      await this.redis.del(this.key('round-lock'));
  }

  async pause(router: string, until: number, by: string): Promise<void> {
    const ttl = Math.max(1, until - Date.now());
    await this.redis.set(this.key('pause', router), JSON.stringify({ until, by }), 'PX', ttl);
  }

  async resume(router: string): Promise<boolean> {
    return (await this.redis.del(this.key('pause', router))) > 0;
  }

  async pauses(routers: string[]): Promise<Record<string, { until: number; by: string }>> {
    if (routers.length === 0) return {};
    const raw = await this.redis.mget(...routers.map((r) => this.key('pause', r)));
    const out: Record<string, { until: number; by: string }> = {};
    raw.forEach((json, i) => {
      if (json) out[routers[i]!] = JSON.parse(json) as { until: number; by: string };
    });
    return out;
  }

  /**
   * Claims the failover of one incident before submitting it, naming the run id it will be
   * submitted with (`submitting <run id>`): a round re-run after its worker died finds the
   * claim and does not submit twice, or submits that same run when the dead round did not
   * get to record it. An incident's id is stable across such a re-run (it names the start of
   * the failure streak, src/monitor/decide-router.ts).
   */
  claimFailover(incidentId: string, runId: string): Promise<string | null> {
    return this.claim(['failover', incidentId], 7 * 24 * 3600_000, `submitting ${runId}`);
  }

  recordFailoverRun(incidentId: string, runId: string): Promise<void> {
    return this.recordClaim(['failover', incidentId], runId, 7 * 24 * 3600_000);
  }

  /** The tunnel monitor's watches, per site with a backup tunnel (jobs/monitor-tunnels.ts). */
  async tunnelWatches(): Promise<Record<string, TunnelWatch>> {
    const raw = await this.redis.hgetall(this.key('tunnel-watch'));
    return Object.fromEntries(
      Object.entries(raw).map(([site, json]) => [site, JSON.parse(json) as TunnelWatch]),
    );
  }

  async saveTunnelWatches(watches: Record<string, TunnelWatch>): Promise<void> {
    const entries = Object.entries(watches).flatMap(([site, w]) => [site, JSON.stringify(w)]);
    if (entries.length > 0) await this.redis.hset(this.key('tunnel-watch'), ...entries);
  }

  /** A submission that failed: the next round may try again. */
  releaseFailover(incidentId: string): Promise<void> {
    return this.releaseClaim(['failover', incidentId]);
  }

  /**
   * Claims a scale proposal of one router before submitting it, for `ttlMs` (its cooldown),
   * naming the run id it will be submitted with, as the failover's claim does: a worker dying
   * after the claim leaves it, and the next round submits that same run (before it was
   * recorded) or adopts it (after), instead of asking twice.
   */
  claimScale(router: string, runId: string, ttlMs: number): Promise<string | null> {
    return this.claim(['scale', router], ttlMs, `submitting ${runId}`);
  }

  recordScaleRun(router: string, runId: string, ttlMs: number): Promise<void> {
    return this.recordClaim(['scale', router], runId, ttlMs);
  }

  releaseScale(router: string): Promise<void> {
    return this.releaseClaim(['scale', router]);
  }

  /**
   * null: claimed now; otherwise what the claim holds (`submitting`, `submitting <run id>`, or
   * the run id once recorded).
   */
  private async claim(parts: string[], ttlMs: number, value: string): Promise<string | null> {
    const key = this.key(...parts);
    const ttl = Math.max(1, Math.round(ttlMs));
    if ((await this.redis.set(key, value, 'PX', ttl, 'NX')) === 'OK') return null;
    // Expired between the two calls: ask nothing this round; the next round claims afresh.
    return (await this.redis.get(key)) ?? 'submitting';
  }

  private async recordClaim(parts: string[], runId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(...parts), runId, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  private async releaseClaim(parts: string[]): Promise<void> {
    await this.redis.del(this.key(...parts));
  }
}
