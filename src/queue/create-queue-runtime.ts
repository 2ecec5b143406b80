import type { Worker } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import type { Logger } from '../log.js';
import type { Engine } from '../runbook/engine.js';
import { closeGracefully } from './close-gracefully.js';
import { createRedisConnection } from './create-redis-connection.js';
import type { RedisSetting } from './redis-target.js';
import { createRunJobProcessor, recordGaveUp } from './run-job-processor.js';
import { createRunQueue, DEFAULT_PREFIX, type RunQueue } from './run-queue.js';
import { startWorker } from './start-worker.js';

export interface QueueRuntime {
  prefix: string;
  /** Fail-fast connection for the Slack handlers and the engine's submit/decide. */
  producer: RedisClient;
  runQueue: RunQueue;
  /** Starts a worker for the engine's runs on a `worker` connection of its own. */
  startRunWorker(
    engine: Engine,
    options?: { concurrency?: number; maxStalledCount?: number },
  ): Promise<Worker>;
  /** Workers (up to the deadline), then the queue, then every connection this runtime made. */
  closeGracefully(deadlineMs: number): Promise<void>;
}

/**
 * Everything a bot or worker process needs from the queue, with its lifetime in one place.
 * `flatnet bot` uses `producer` and `runQueue`; `flatnet worker` also calls `startRunWorker`.
 */
export async function createQueueRuntime(options: {
  url: RedisSetting;
  prefix?: string;
  logger: Logger;
}): Promise<QueueRuntime> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const producer = await createRedisConnection(options.url, 'producer');
  const runQueue = createRunQueue({ connection: producer, prefix });
  const workers: Worker[] = [];
  const connections: RedisClient[] = [producer];
  return {
    prefix,
    producer,
    runQueue,
    async startRunWorker(engine, workerOptions = {}) {
      const connection = await createRedisConnection(options.url, 'worker');
      connections.push(connection);
      const worker = startWorker({
        connection,
        prefix,
        concurrency: workerOptions.concurrency ?? 4,
        processor: createRunJobProcessor(engine, { logger: options.logger }),
        maxStalledCount: workerOptions.maxStalledCount ?? 5,
        logger: options.logger,
        onJobGaveUp: recordGaveUp(engine),
      });
      workers.push(worker);
      return worker;
    },
    closeGracefully: (deadlineMs) =>
      closeGracefully(
        { workers, queues: [runQueue], connections, logger: options.logger },
        deadlineMs,
      ),
  };
}
