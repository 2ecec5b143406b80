/**
 * What the engine needs from a job queue. src/queue implements it over BullMQ; the engine
 * never imports BullMQ for enqueueing, so it can be driven by anything that keeps these
 * promises. Every method is idempotent per run: asking twice enqueues once.
 */
export type RunJobName = 'plan' | 'exec' | 'expire';

/** Jobs carry only the run id: the run record in Redis is the single source of truth. */
export interface RunJobData {
  runId: string;
}

export interface RunQueuePort {
  enqueue(name: RunJobName, runId: string, options?: { delayMs?: number }): Promise<void>;
}

/**
 * The job a worker is processing, as the engine sees it: which phase, a fence for saves and a
 * cheap ownership check. A worker that lost its job (lock expired, another worker took over)
 * must never act on the run again.
 */
export interface RunJobHandle {
  name: RunJobName;
  /** BullMQ's lock key for this job and this worker's token: saves are refused once it changes. */
  fence?: { lockKey: string; token: string };
  /** True while this worker still holds the job (BullMQ's extendLock answered 1). */
  stillOwner(): Promise<boolean>;
}
