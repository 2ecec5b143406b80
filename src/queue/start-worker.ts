import { Job, Worker, type Processor } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import type { Logger } from '../log.js';
import type { RunJobData } from '../runbook/run-queue-port.js';
import { runLockTiming, type RunLockTiming } from './run-lock-timing.js';
import { assertValidPrefix, DEFAULT_PREFIX, RUN_QUEUE_NAME } from './run-queue.js';

export interface StartWorkerOptions {
  /** A `worker`-role connection (maxRetriesPerRequest: null). BullMQ never closes it: we do. */
  connection: RedisClient;
  prefix?: string;
  concurrency?: number;
  processor: Processor<RunJobData>;
  /**
   * The job lock, which bounds how soon a dead worker's run is taken over. Default
   * `runLockTiming()` (run-lock-timing.ts): production's, and the tests'.
   */
  lock?: RunLockTiming;
  /**
   * Runbooks are long and resumable, so a crash must not fail them: BullMQ's default of 1
   * would fail a run on its second crash. Default 5.
   */
  maxStalledCount?: number;
  logger: Logger;
  /**
   * Called once a job will not be tried again (attempts used up, unrecoverable, stalled too often).
   */
  onJobGaveUp?: (job: Job<RunJobData>, reason: string) => Promise<void>;
}

export function startWorker(options: StartWorkerOptions): Worker<RunJobData> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  assertValidPrefix(prefix);
  const log = options.logger;
  const lock = options.lock ?? runLockTiming();
  const worker = new Worker<RunJobData>(RUN_QUEUE_NAME, options.processor, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency ?? 4,
    lockDuration: lock.lockDurationMs,
    lockRenewTime: lock.lockRenewMs,
    stalledInterval: lock.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? 5,
  });

  // An unhandled 'error' event would crash the process; a Redis blip is not worth that.
  worker.on('error', (err) => log.error({ err }, 'queue worker error'));

  const gaveUp = (job: Job<RunJobData>, reason: string): void => {
    if (!options.onJobGaveUp) return;
    options
      .onJobGaveUp(job, reason)
      .catch((err: unknown) =>
        log.error({ err, jobId: job.id }, 'could not record a failed job on its run'),
      );
  };

  worker.on('failed', (job, err) => {
    if (!job) return;
    const unrecoverable = err.name === 'UnrecoverableError';
    // BullMQ emits 'failed' for every failed attempt; only the last one ends the run.
    const final = unrecoverable || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn(
      {
        jobId: job.id,
        runId: job.data.runId,
        attemptsMade: job.attemptsMade,
        final,
        err: err.message,
      },
      'run job failed',
    );
    if (final) gaveUp(job, err.message);
  });

  // A job that stalled more than maxStalledCount times is failed by BullMQ without a
  // 'failed' event on the worker; look it up so its run does not stay "running" forever.
  worker.on('stalled', (jobId) => {
    log.warn({ jobId }, 'run job stalled: its worker died or blocked; another worker resumes it');
    void (async () => {
      const job = await Job.fromId<RunJobData>(worker, jobId);
      if (job && (await job.isFailed()))
        gaveUp(job, job.failedReason || 'the job stalled more often than maxStalledCount allows');
    })().catch((err: unknown) => log.error({ err, jobId }, 'could not inspect a stalled job'));
  });

  return worker;
}
