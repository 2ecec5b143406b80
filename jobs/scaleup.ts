/**
 * /router scaleup and /router scaledown. The runbook lives in src/scaleup (it is several
 * steps, each in its own file); this is the entry the worker and the command wiring import.
 */
export {
  createScaleRunbook,
  summarizeScaleRun,
  SCALE_STEP_IDS,
} from '../src/scaleup/create-scale-runbook.js';
export { scalePlanner } from '../src/scaleup/scale-planner.js';
export type { ScaleDeps, ScaleRouters, InstanceEndpoint } from '../src/scaleup/scale-deps.js';
export {
  createRouterFactsStore,
  memoryRouterFactsStore,
  type RouterFacts,
  type RouterFactsStore,
} from '../src/scaleup/router-facts.js';
export { mergeRouterFacts, inventoryLinesFor } from '../src/scaleup/merge-router-facts.js';
export { createScaleRouters } from '../src/scaleup/create-scale-routers.js';
export { scanHostKey } from '../src/scaleup/scan-host-key.js';

import { createScaleRunbook } from '../src/scaleup/create-scale-runbook.js';
import { scalePlanner } from '../src/scaleup/scale-planner.js';

export const scaleupRunbook = createScaleRunbook('up');
export const scaledownRunbook = createScaleRunbook('down');
export const scaleupPlanner = scalePlanner('up');
export const scaledownPlanner = scalePlanner('down');
