import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { isNonRetryable } from '../runbook/engine-core.js';
import type { Engine } from '../runbook/engine.js';
import type { RunJobData, RunJobHandle, RunJobName } from '../runbook/run-queue-port.js';
import { WaitForTarget } from '../runbook/wait-for-target.js';
import { runLockTiming, type RunLockTiming } from './run-lock-timing.js';

const jobNames: readonly RunJobName[] = ['plan', 'exec', 'expire'];

/**
 * The BullMQ processor for run jobs: hands the job to the engine with a fence (the job's lock
 * key and this worker's token) and an ownership check, so a worker that lost the job can
 * neither save nor act. Errors no retry can fix fail the job at once.
 */
export function createRunJobProcessor(
  engine: Engine,
  options: { logger: Logger; lock?: RunLockTiming },
): Processor<RunJobData> {
  // The ownership check renews the lock as the worker's own timer does (start-worker.ts).
  const { lockDurationMs } = options.lock ?? runLockTiming();
  return async (job: Job<RunJobData>, token?: string) => {
    const name = job.name as RunJobName;
    if (!jobNames.includes(name)) throw new UnrecoverableError(`unknown run job "${job.name}"`);
    const runId = job.data.runId;
    if (name === 'expire') {
      await engine.expire(runId);
      return;
    }
    const handle: RunJobHandle = {
      name,
      ...(token ? { fence: { lockKey: `${job.queueQualifiedName}:${job.id}:lock`, token } } : {}),
      stillOwner: async () => {
        if (!token) return true;
        try {
          return (await job.extendLock(token, lockDurationMs)) === 1;
        } catch {
          return false; // the worker's connection is gone: certainly not ours any more
        }
      },
    };
    try {
      await engine.process(runId, handle);
    } catch (err) {
      // The run's router is held by another run and its runbook waits: back in the queue
      // for a little while, without using an attempt.
      if (err instanceof WaitForTarget && token) {
        await job.moveToDelayed(Date.now() + err.retryInMs, token);
        throw new DelayedError();
      }
      if (isNonRetryable(err)) {
        options.logger.warn(
          { runId, err: describeError(err) },
          'run failed for a reason no retry can fix',
        );
        throw new UnrecoverableError(describeError(err));
      }
      throw err;
    }
  };
}

/** For `startWorker({ onJobGaveUp })`: a run whose job will not be tried again says so. */
export function recordGaveUp(
  engine: Engine,
): (job: Job<RunJobData>, reason: string) => Promise<void> {
  return async (job, reason) => {
    if (job.name === 'expire') return;
    await engine.abandon(job.data.runId, reason);
  };
}
