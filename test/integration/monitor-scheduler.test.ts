/**
 * One monitor however many workers: three workers on one scheduler run each tick exactly
 * once, and a worker killed in the middle of a round costs that round only. Verdicts count
 * ticks (BullMQ job ids the scheduler made) against rounds; waits are only deadlines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { MonitorStore } from '../../src/monitor/monitor-store.js';
import {
  MONITOR_SCHEDULER_ID,
  startMonitorScheduler,
  type MonitorScheduler,
} from '../../src/monitor/monitor-scheduler.js';
import type { RedisClient } from '../../src/util/redis-client.js';
import { createRedisConnection } from '../../src/queue/create-redis-connection.js';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from './runbook-harness.js';

const log = createLogger({ level: 'silent' });

describe('the monitor scheduler', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function workers(
    prefix: string,
    count: number,
    runRound: (w: number, tick: string) => Promise<unknown>,
  ) {
    const redis = testRedis();
    const connections: RedisClient[] = [];
    const schedulers: MonitorScheduler[] = [];
    for (let w = 0; w < count; w++) {
      const producer = await createRedisConnection(redisUrl, 'producer');
      const worker = await createRedisConnection(redisUrl, 'worker');
      connections.push(producer, worker);
      schedulers.push(
        await startMonitorScheduler({
          connection: producer,
          workerConnection: worker,
          prefix,
          intervalMs: 200,
          runRound: (tick) => runRound(w, tick),
          logger: log,
        }),
      );
    }
    cleanups.push(async () => {
      await Promise.all(schedulers.map((s) => s.worker?.close(true)));
      await Promise.all(schedulers.map((s) => s.queue.close()));
      for (const c of connections) c.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    return { schedulers, store: new MonitorStore(redis, prefix) };
  }

  it('three workers: every tick the scheduler made runs exactly once', async () => {
    const prefix = uniquePrefix('mon-sched');
    const { store, schedulers } = await workers(prefix, 3, async (_w, tick) => {
      return store.recordRound({
        tick,
        startedAt: 0,
        finishedAt: 0,
        routers: [],
        regions: [],
        openIncidents: [],
        paused: [],
      });
    });
    const ticks = await waitFor(
      'twelve ticks',
      async () => {
        const t = await store.ticks();
        return Object.keys(t).length >= 12 ? t : undefined;
      },
      30_000,
    );
    await Promise.all(schedulers.map((s) => s.worker?.pause()));
    // One scheduler, however many upserts: every tick is its job, each run once.
    expect(await schedulers[0]!.queue.getJobSchedulersCount()).toBe(1);
    for (const [tick, runs] of Object.entries(await store.ticks())) {
      expect(tick.startsWith(`repeat:${MONITOR_SCHEDULER_ID}:`), tick).toBe(true);
      expect(runs, tick).toBe(1);
    }
    const completed = await schedulers[0]!.queue.getCompleted(0, 1000);
    expect(completed.map((j) => j.id).sort()).toEqual(
      expect.arrayContaining(Object.keys(ticks).sort()),
    );
    const due = new Set(completed.map((j) => j.timestamp + (j.opts.delay ?? 0)));
    expect(due.size).toBe(completed.length);
  });

  it(
    'a worker killed mid-round costs that round only: the next ' +
      'tick runs elsewhere, the dead round is never run late',
    async () => {
      const prefix = uniquePrefix('mon-kill');
      let hung: string | undefined;
      const { store, schedulers } = await workers(prefix, 3, async (w, tick) => {
        if (w === 0 && hung === undefined) {
          hung = tick;
          // Worker 0 dies holding this round: the test force-closes it below.
          return new Promise(() => undefined);
        }
        return store.recordRound({
          tick,
          startedAt: 0,
          finishedAt: 0,
          routers: [],
          regions: [],
          openIncidents: [],
          paused: [],
        });
      });
      await waitFor('worker 0 to take a round', async () => hung !== undefined, 30_000);
      await schedulers[0]!.worker!.close(true);
      const dead = Number(hung!.split(':').at(-1));
      // The next tick after the dead one is run by a surviving worker.
      await waitFor(
        'a later tick to run',
        async () =>
          Object.keys(await store.ticks()).some((t) => Number(t.split(':').at(-1)) > dead),
        30_000,
      );
      // Once the dead round's lock expires it comes back and is dropped as stale, not run.
      const job = await schedulers[1]!.queue.getJob(hung!);
      await waitFor(
        'the dead round to be settled',
        async () => {
          const state = await job?.getState();
          return state === 'completed' || state === 'failed' ? state : undefined;
        },
        30_000,
      );
      const ticks = await store.ticks();
      expect(ticks[hung!]).toBeUndefined();
      for (const runs of Object.values(ticks)) expect(runs).toBe(1);
    },
  );
});
