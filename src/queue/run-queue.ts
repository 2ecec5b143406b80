import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import type { RunJobData, RunJobName, RunQueuePort } from '../runbook/run-queue-port.js';

export const RUN_QUEUE_NAME = 'runs';
export const DEFAULT_PREFIX = 'flatnet';

/**
 * The job id for a run's phase. BullMQ ignores an add whose id already exists, which is what
 * makes "enqueue twice" a no-op. Ids must not contain `:` and must not be all digits; run ids
 * (`r-7k2m9q`) never do, and the suffix keeps them non-numeric anyway.
 */
export function runJobId(name: RunJobName, runId: string): string {
  if (runId.includes(':'))
    throw new Error(`run id ${runId} contains ':', which BullMQ job ids may not`);
  return `${runId}-${name}`;
}

/**
 * Prefix check: `flatnet` or a hash-tagged `{flatnet}` (for Redis Cluster, where every key of a
 * queue and its run records must live in one slot for the Lua scripts).
 */
export function assertValidPrefix(prefix: string): void {
  if (!/^(\{[A-Za-z0-9_.-]+\}|[A-Za-z0-9_.{}-]+)$/.test(prefix)) {
    throw new Error(
      `queue prefix "${prefix}" is not usable: ` +
        "use letters, digits, '-', '_', '.', optionally in {braces} for Redis Cluster",
    );
  }
}

const defaultJobOptions: JobsOptions = {
  // Attempts cover the engine's own infrastructure failures (a Redis blip while saving); a
  // failed step is never retried blindly by BullMQ, the engine undoes or stops instead.
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Kept long enough that a late duplicate add still finds the id and is ignored.
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export interface RunQueue extends RunQueuePort {
  queue: Queue<RunJobData>;
  close(): Promise<void>;
}

export function createRunQueue(options: {
  connection: RedisClient;
  prefix?: string;
  jobOptions?: JobsOptions;
}): RunQueue {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  assertValidPrefix(prefix);
  const queue = new Queue<RunJobData>(RUN_QUEUE_NAME, {
    connection: options.connection,
    prefix,
    defaultJobOptions: { ...defaultJobOptions, ...options.jobOptions },
  });
  return {
    queue,
    async enqueue(name, runId, enqueueOptions = {}) {
      await queue.add(
        name,
        { runId },
        { jobId: runJobId(name, runId), delay: Math.max(0, enqueueOptions.delayMs ?? 0) },
      );
    },
    close: () => queue.close(),
  };
}
