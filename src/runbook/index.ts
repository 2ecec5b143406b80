export { describeBusyTarget } from './describe-run.js';
export {
  createEngine,
  type DecisionResult,
  type Engine,
  type EngineOptions,
  type SubmitInput,
} from './engine.js';
export { isNonRetryable, OwnershipLostError } from './engine-core.js';
export { findSecretField } from './find-secret-field.js';
export { makeRunId, RUN_ID_PATTERN } from './make-run-id.js';
export { notifyObservers, type RunObserver } from './observer.js';
export type { RunJobData, RunJobHandle, RunJobName, RunQueuePort } from './run-queue-port.js';
export { assertNoSecrets, RunStore, type TailedEvent } from './run-store.js';
export { TargetLock, type AcquireResult, type LockHolder } from './target-lock.js';
export * from './types.js';
export { WaitForTarget, waitDelayMs } from './wait-for-target.js';
