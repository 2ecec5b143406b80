/**
 * One monitor however many workers: a BullMQ job scheduler (one id, upserted by every
 * worker at boot, which is idempotent) puts one job per interval on the `monitor` queue and
 * exactly one worker takes each. BullMQ schedules the next tick when a worker picks up the
 * current one, so a worker killed mid-round costs that round only: the next tick is already
 * waiting for the others. The killed round's job comes back after its lock expires; it is
 * stale by then and is dropped instead of probing twice.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import type { Logger } from '../log.js';
import { assertValidPrefix } from '../queue/run-queue.js';

export const MONITOR_QUEUE_NAME = 'monitor';
export const MONITOR_SCHEDULER_ID = 'flatnet-monitor';

export interface MonitorScheduler {
  queue: Queue;
  worker?: Worker;
  close(): Promise<void>;
}

export interface MonitorRoundRunner {
  (tick: string): Promise<unknown>;
}

export async function startMonitorScheduler(options: {
  /** Producer connection for the queue and the scheduler. */
  connection: RedisClient;
  /** A `worker`-role connection (maxRetriesPerRequest: null); absent: only the schedule is set. */
  workerConnection?: RedisClient;
  prefix: string;
  intervalMs: number;
  runRound: MonitorRoundRunner;
  logger: Logger;
  clock?: () => number;
}): Promise<MonitorScheduler> {
  assertValidPrefix(options.prefix);
  const clock = options.clock ?? Date.now;
  const queue = new Queue(MONITOR_QUEUE_NAME, {
    connection: options.connection,
    prefix: options.prefix,
  });
  await queue.upsertJobScheduler(
    MONITOR_SCHEDULER_ID,
    { every: options.intervalMs },
    {
      name: 'round',
      data: {},
      // Rounds are not retried: the next tick is the retry. Keep a short history for the tests.
      opts: { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
    },
  );
  let worker: Worker | undefined;
  if (options.workerConnection) {
    const lockDuration = Math.max(5_000, options.intervalMs * 2);
    worker = new Worker(
      MONITOR_QUEUE_NAME,
      async (job: Job) => {
        // A tick older than two intervals is a dead worker's round coming back: skip it.
        const due = job.timestamp + (job.opts.delay ?? 0);
        if (clock() - due > options.intervalMs * 2) return { skipped: 'stale tick' };
        return options.runRound(job.id ?? `tick-${due}`);
      },
      {
        connection: options.workerConnection,
        prefix: options.prefix,
        concurrency: 1,
        lockDuration,
        stalledInterval: lockDuration,
        maxStalledCount: 1,
      },
    );
    worker.on('error', (err) => options.logger.error({ err }, 'monitor worker error'));
    worker.on('failed', (job, err) =>
      options.logger.warn({ tick: job?.id, err: err.message }, 'monitor round failed'),
    );
  }
  return {
    queue,
    ...(worker ? { worker } : {}),
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
