/**
 * What the failover runbook needs from the outside world: a subset of the scale-up's
 * dependencies (the runtime hands it the same object), because both read the same routers
 * through the same pool and the same router facts, and flip traffic with the same steps.
 */
import type { ScaleDeps } from '../scaleup/scale-deps.js';

export type FailoverDeps = Pick<
  ScaleDeps,
  'inventory' | 'cloud' | 'routerFacts' | 'clock' | 'tunnelWait'
> & {
  routers: Pick<ScaleDeps['routers'], 'router'>;
};
