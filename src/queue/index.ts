export { closeGracefully, type Closables } from './close-gracefully.js';
export { createQueueRuntime, type QueueRuntime } from './create-queue-runtime.js';
export {
  createRedisConnection,
  redactRedisUrl,
  type RedisRole,
} from './create-redis-connection.js';
export { createRunJobProcessor, recordGaveUp } from './run-job-processor.js';
export {
  assertValidPrefix,
  createRunQueue,
  DEFAULT_PREFIX,
  RUN_QUEUE_NAME,
  runJobId,
  type RunQueue,
} from './run-queue.js';
export { startWorker, type StartWorkerOptions } from './start-worker.js';
export {
  runLockTiming,
  takeoverBoundMs,
  TAKEOVER_MS,
  type RunLockTiming,
} from './run-lock-timing.js';
