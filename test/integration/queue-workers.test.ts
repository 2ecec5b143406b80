import { createServer } from 'node:net';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError, FlatnetError } from '../../src/errors.js';
import { closeGracefully } from '../../src/queue/close-gracefully.js';
import { isCluster } from '../../src/util/redis-client.js';
import { createRedisConnection } from '../../src/queue/create-redis-connection.js';
import { createRunQueue, runJobId } from '../../src/queue/run-queue.js';
import { startWorker } from '../../src/queue/start-worker.js';
import type { RunJobData } from '../../src/runbook/run-queue-port.js';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';
import {
  createWorld,
  silentLog,
  submitInput,
  toyRunbook,
  waitFor,
  waitForStatus,
  type World,
} from './runbook-harness.js';

/** A loopback port nobody listens on: bind port 0, read it back, close. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let world: World | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe('queue: connections', () => {
  it(
    'a producer fails fast with a message naming ' + 'the fix, and never shows the password',
    async () => {
      const url = `redis://:hunter2@127.0.0.1:${await deadPort()}`;
      const err = await createRedisConnection(url, 'producer', { connectTimeoutMs: 2_000 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FlatnetError);
      const flat = err as FlatnetError;
      expect(flat.code).toBe('REDIS');
      expect(flat.message).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is not answering/);
      expect(flat.hint).toContain('set REDIS_URL');
      expect(flat.forHumans).not.toContain('hunter2');
    },
  );

  it('connects both roles with the options BullMQ needs', async () => {
    const worker = await createRedisConnection(redisUrl, 'worker');
    const producer = await createRedisConnection(redisUrl, 'producer');
    try {
      if (isCluster(worker) || isCluster(producer)) throw new Error('expected one server');
      expect(worker.options.maxRetriesPerRequest).toBeNull();
      expect(producer.options.enableOfflineQueue).toBe(false);
      expect(await producer.ping()).toBe('PONG');
    } finally {
      worker.disconnect();
      producer.disconnect();
    }
  });
});

describe('queue: jobs', () => {
  it('derives valid job ids from the run, so enqueueing twice is a no-op', async () => {
    const prefix = uniquePrefix('q');
    const redis = testRedis();
    const queue = createRunQueue({ connection: redis, prefix });
    try {
      expect(runJobId('exec', 'r-7k2m9q')).toBe('r-7k2m9q-exec');
      expect(() => runJobId('plan', 'r:1')).toThrow(/contains ':'/);
      await queue.enqueue('plan', 'r-7k2m9q');
      await queue.enqueue('plan', 'r-7k2m9q');
      await queue.enqueue('expire', 'r-7k2m9q', { delayMs: 60_000 });
      const counts = await queue.queue.getJobCounts('waiting', 'delayed');
      expect(counts).toEqual({ waiting: 1, delayed: 1 });
      expect((await queue.queue.getJob('r-7k2m9q-plan'))?.data).toEqual({ runId: 'r-7k2m9q' });
    } finally {
      await queue.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it(
    'closeGracefully stops waiting for a stuck job ' + 'at the deadline and closes the connections',
    async () => {
      const prefix = uniquePrefix('q');
      const redis = testRedis();
      const workerConnection = testRedis();
      const queue = createRunQueue({ connection: redis, prefix });
      let started!: () => void;
      const jobStarted = new Promise<void>((resolve) => (started = resolve));
      const worker = startWorker({
        connection: workerConnection,
        prefix,
        processor: async (_job: Job<RunJobData>) => {
          started();
          await new Promise<void>(() => {});
        },
        logger: silentLog,
      });
      try {
        await queue.enqueue('plan', 'r-stuck2');
        await jobStarted;
        await closeGracefully(
          {
            workers: [worker],
            queues: [queue],
            connections: [workerConnection],
            logger: silentLog,
          },
          100,
        );
        await expect(workerConnection.ping()).rejects.toThrow(/Connection is closed/);
      } finally {
        const cleanup = testRedis();
        await dropPrefix(cleanup, prefix);
        cleanup.disconnect();
        redis.disconnect();
      }
    },
  );
});

describe('queue: a run is never left running when its job gives up', () => {
  it(
    'an engine error retried until the attempts ' + 'are used up ends the run failed, saying so',
    async () => {
      world = createWorld();
      const runbook = toyRunbook([{ id: 'a' }]);
      let calls = 0;
      // Fine at submit (the run is planning), broken while the worker executes it.
      runbook.lockTarget = (run) => {
        if (run.status !== 'running') return undefined;
        calls++;
        throw new Error('inventory vanished');
      };
      const engine = world.engine(runbook);
      world.startWorker(engine);
      const { id } = await engine.submit(submitInput());
      const run = await waitForStatus(engine, id, ['failed']);
      expect(calls).toBe(5);
      expect(run.outcome).toMatch(
        /^flatnet's workers gave up on this run: inventory vanished\. No step had finished\. Nothing was undone\./,
      );
      expect(run.error).toBe('inventory vanished');
    },
  );

  it('bad input fails at once, without retries', async () => {
    world = createWorld();
    const runbook = toyRunbook([{ id: 'a' }]);
    let calls = 0;
    runbook.lockTarget = (run) => {
      if (run.status !== 'running') return undefined;
      calls++;
      throw new BadInputError('router "nope" is not in the inventory', 'check inventory.yml');
    };
    const engine = world.engine(runbook);
    world.startWorker(engine);
    const w = world;
    const { id } = await engine.submit({ ...submitInput(), target: 'nope' });
    const run = await waitForStatus(engine, id, ['failed']);
    expect(calls).toBe(1);
    expect(run.error).toContain('router "nope" is not in the inventory');
    const job = await waitFor('the failed job', async () => {
      const j = await w.queue.queue.getJob(`${id}-plan`);
      return j && (await j.isFailed()) ? j : undefined;
    });
    expect(job.attemptsMade).toBe(1);
  });
});
