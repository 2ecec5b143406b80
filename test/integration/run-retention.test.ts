/**
 * Run retention (issue 12 item 5) against a real Redis: a finished run and its events carry
 * the retention as a Redis TTL from the moment they end, an open run never expires, and once
 * Redis has expired a record, `/router history`'s indexes and the audit stream cover exactly
 * the window. Time is never slept on: TTLs are read with PTTL, the engine's clock is moved,
 * and "the TTL ran out" is PEXPIREAT in the past (what Redis does with an expired key).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../src/util/redis-client.js';
import { DEFAULT_RUN_RETENTION_MS } from '../../src/runbook/run-store.js';
import type { Engine } from '../../src/runbook/engine.js';
import {
  approvalBy,
  createWorld,
  submitInput,
  toyRunbook,
  waitFor,
  waitForStatus,
  type World,
} from './runbook-harness.js';

const RETENTION_MS = 10 * 60_000;
const steps = [{ id: 'facts', phase: 'plan' as const }, { id: 'launch' }];

let world: World;
afterEach(async () => {
  await world.cleanup();
});

async function finishedRun(engine: Engine, target = 'hub-tokyo-a'): Promise<string> {
  const run = await engine.submit(submitInput({ target }));
  await waitForStatus(engine, run.id, ['succeeded']);
  return run.id;
}

async function ttlsOf(world: World, engine: Engine, runId: string): Promise<number[]> {
  const k = engine.store.keys;
  return Promise.all([world.redis.pttl(k.run(runId)), world.redis.pttl(k.events(runId))]);
}

const within = (ttl: number, limit: number): boolean => ttl > 0 && ttl <= limit;

async function redisNowMs(redis: RedisClient): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The newest audit entry's time (its stream id is the Redis time it was added). */
async function lastAuditMs(redis: RedisClient, key: string): Promise<number> {
  const [last] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
  return Number(last?.[0].split('-')[0]);
}

describe('run retention', () => {
  it(
    'gives a run the retention as a TTL when it ends, ' +
      'whichever way it ends, and none while it is open',
    async () => {
      world = createWorld();
      const engine = world.engine(toyRunbook(steps), { runRetentionMs: RETENTION_MS });
      world.startWorker(engine);

      const succeeded = await finishedRun(engine);
      for (const ttl of await ttlsOf(world, engine, succeeded))
        expect(within(ttl, RETENTION_MS)).toBe(true);

      const waiting = await engine.submit(
        submitInput({ target: 'hub-b', approval: approvalBy(['U2']) }),
      );
      await waitForStatus(engine, waiting.id, ['awaiting-approval']);
      expect(await ttlsOf(world, engine, waiting.id)).toEqual([-1, -1]);

      // Ended by a click (the approval script) and by a cancel: the scripts set the TTL too.
      await engine.decide(waiting.id, 'U2', 'reject');
      for (const ttl of await ttlsOf(world, engine, waiting.id))
        expect(within(ttl, RETENTION_MS)).toBe(true);
      const cancelled = await engine.submit(
        submitInput({ target: 'hub-c', approval: approvalBy(['U2']) }),
      );
      await waitForStatus(engine, cancelled.id, ['awaiting-approval']);
      await engine.cancel(cancelled.id, 'U1');
      for (const ttl of await ttlsOf(world, engine, cancelled.id))
        expect(within(ttl, RETENTION_MS)).toBe(true);

      // A write after the end (the thread's root posted late) keeps the expiry: PEXPIRE semantics.
      await engine.attachThread(succeeded, '1700000000.000100');
      const [runTtl] = await ttlsOf(world, engine, succeeded);
      expect(within(runTtl ?? -1, RETENTION_MS)).toBe(true);
    },
  );

  it('keeps a finished run 90 days when nothing is configured', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const runId = await finishedRun(engine);
    for (const ttl of await ttlsOf(world, engine, runId)) {
      expect(ttl).toBeGreaterThan(DEFAULT_RUN_RETENTION_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(DEFAULT_RUN_RETENTION_MS);
    }
  });

  it(
    'history and the audit stream cover the window: ' + 'what expired leaves both, the rest stays',
    async () => {
      world = createWorld();
      const time: { frozen?: number } = {};
      const engine = world.engine(toyRunbook(steps), {
        runRetentionMs: RETENTION_MS,
        clock: () => time.frozen ?? Date.now(),
      });
      world.startWorker(engine);
      const k = engine.store.keys;

      // Before the window: one run that finishes, one left waiting for approval.
      const old = await finishedRun(engine);
      const open = await engine.submit(
        submitInput({ target: 'hub-b', approval: approvalBy(['U2']) }),
      );
      await waitForStatus(engine, open.id, ['awaiting-approval']);
      const windowStart = (await lastAuditMs(world.redis, k.audit)) + 1;
      await waitFor('Redis time to pass the window start', async () =>
        (await redisNowMs(world.redis)) >= windowStart ? true : undefined,
      );

      // Inside the window.
      const recent = await finishedRun(engine);

      // The retention has passed since the window started: Redis expired the old run's keys.
      time.frozen = windowStart + RETENTION_MS;
      await world.redis.pexpireat(k.run(old), 1);
      await world.redis.pexpireat(k.events(old), 1);
      const next = await finishedRun(engine);

      const history = (await engine.store.list({ limit: 10 })).map((r) => r.id);
      expect(history).toEqual([next, recent, open.id]);
      const indexed = await world.redis.zrange(k.all, 0, -1);
      expect(indexed).not.toContain(old);
      expect(indexed).toContain(open.id); // open: its record is still there, so it stays listed
      expect(await world.redis.zrange(k.byTarget('hub-tokyo-a'), 0, -1)).toEqual([recent, next]);
      expect(await world.redis.zrange(k.byKind('scaleup'), 0, -1)).not.toContain(old);

      // The audit keeps every entry inside the window (each event of the recent runs), none before.
      const audit = await world.redis.xrange(k.audit, '-', '+');
      expect(audit.every(([id]) => Number(id.split('-')[0]) >= windowStart)).toBe(true);
      const audited = (await engine.store.readAudit(1000)).map((e) => `${e.runId}:${e.type}`);
      for (const runId of [recent, next]) {
        const events = (await engine.store.readEvents(runId)).map(
          (e) => `${runId}:${e.event.type}`,
        );
        expect(events.length).toBeGreaterThan(3);
        for (const entry of events) expect(audited).toContain(entry);
      }
      expect(audited.some((e) => e.startsWith(`${old}:`))).toBe(false);
    },
  );
});
