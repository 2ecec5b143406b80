/**
 * The failover / failback runbook's steps, declared once (the checklist is jobs/failover.ts):
 * the plan step, named for what it health-checks, then the shared cutover. What the plan step
 * read is saved as JSON in the run record (plain data, no secret: peer names, addresses and
 * interface ids only) and checked against this schema when the later steps read it back.
 */
import { z } from 'zod';
import { CUTOVER_STEPS } from '../cutover/cutover-steps.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';

/** `failover`: primary → standby. `failback`: standby → primary. */
export type FailoverDirection = 'failover' | 'failback';

const routerSide = z.object({
  router: z.string(),
  instanceId: z.string(),
  networkInterfaceId: z.string(),
  privateIp: z.string(),
  type: z.string(),
  state: z.string(),
});
export type RouterSideFacts = z.infer<typeof routerSide>;

const failoverFacts = z.object({
  direction: z.enum(['failover', 'failback']),
  primary: z.string(),
  standby: z.string(),
  region: z.string(),
  /**
   * The router giving up the traffic, and whether flatnet could read it (a broken primary may not
   * answer).
   */
  from: routerSide.extend({
    readable: z.boolean(),
    problem: z.string().nullable(),
    sasUp: z.number(),
    bgpEstablished: z.number(),
  }),
  /** The router taking the traffic, health-checked. */
  to: routerSide.extend({ peers: z.number(), bgpNeighbors: z.number() }),
  elasticIp: z.object({
    allocationId: z.string(),
    publicIp: z.string(),
    holderInstanceId: z.string().nullable(),
    holderInterfaceId: z.string().nullable(),
    /** When EC2 was asked (ms epoch); absent in plans saved before it was recorded. */
    readAt: z.number().optional(),
  }),
  /** Routes that pointed at `from` when the plan was read. */
  routes: z.array(z.object({ routeTableId: z.string(), destination: z.string() })),
  /** What `to` must bring up before the routes move, and why that set. */
  expectedSas: z.array(z.string()),
  expectedBgp: z.array(z.string()),
  expectedBasis: z.enum(['up-on-from', 'all-configured']),
  /**
   * WireGuard peers of `from` that `to` lacks: they lose the VPN until the failback (a warning, not
   * a refusal).
   */
  wireguardMissing: z.array(z.string()),
  /** Peer and BGP names the comparison covered; null when `from` could not be read. */
  compared: z.object({ peers: z.number(), bgpNeighbors: z.number() }).nullable(),
});
export type FailoverFacts = z.infer<typeof failoverFacts>;

export const FAILOVER_STEPS = {
  checkStandby: stepRef('check-standby', failoverFacts),
  checkPrimary: stepRef('check-primary', failoverFacts),
  ...CUTOVER_STEPS,
} as const;

/** The plan step: named for what it health-checks. */
export const planStepOf = (direction: FailoverDirection) =>
  direction === 'failover' ? FAILOVER_STEPS.checkStandby : FAILOVER_STEPS.checkPrimary;

/** The steps that change the world (both directions). */
export const FAILOVER_STEP_IDS = idsOf(CUTOVER_STEPS);
