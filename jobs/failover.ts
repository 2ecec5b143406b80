/**
 * /router failover and /router failback. The runbook lives in src/failover (its plan step and
 * the plan/summary text; the cutover steps are shared with the scale-up); this is the entry
 * the worker and the command wiring import.
 */
export { createFailoverRunbook } from '../src/failover/create-failover-runbook.js';
export { failoverPlanner } from '../src/failover/failover-planner.js';
export { summarizeFailoverRun } from '../src/failover/describe-failover.js';
export type { FailoverDeps } from '../src/failover/failover-deps.js';
export type { FailoverDirection, FailoverFacts } from '../src/failover/failover-facts.js';

import { createFailoverRunbook } from '../src/failover/create-failover-runbook.js';
import { failoverPlanner } from '../src/failover/failover-planner.js';

export const failoverRunbook = createFailoverRunbook('failover');
export const failbackRunbook = createFailoverRunbook('failback');
export const failoverCommandPlanner = failoverPlanner('failover');
export const failbackCommandPlanner = failoverPlanner('failback');
