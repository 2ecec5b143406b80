/**
 * `/vpn policy`'s steps, declared once (the checklists are jobs/policy.ts and
 * jobs/policy-apply.ts). What they save is plain data shown in `/router history`: per router
 * the lines that change it and the lines that put it back (the firewall and qos flatnet owns;
 * no secret is ever among them).
 */
import { z } from 'zod';
import { configLineSchema } from '../vyos/config-line-schema.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { ReachCloud } from '../reach/reach-ports.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import type { RouterClient } from '../vyos/router-client.js';

export interface PolicyDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  cloud: ReachCloud;
  /** Each router's commit-confirm window: it rolls back by itself unless flatnet confirms. */
  confirmMinutes?: number;
}

const configLine = configLineSchema;

const routerPlan = z.object({
  router: z.string(),
  changes: z.array(configLine),
  /** What flatnet owned on the router when the plan was made: what an undo puts back. */
  before: z.array(configLine),
});

export const policyPlan = z.object({
  rules: z.number(),
  routers: z.array(routerPlan),
});
export type PolicyPlanFacts = z.infer<typeof policyPlan>;

const applied = z.object({
  /** The routers committed, in order: what an undo puts back. */
  routers: z.array(z.string()),
});

export const POLICY_APPLY_STEPS = {
  plan: stepRef('plan-policy', policyPlan),
  apply: stepRef('apply-policy', applied),
  verify: stepRef('verify-policy'),
} as const;
export const POLICY_APPLY_STEP_IDS = idsOf(POLICY_APPLY_STEPS);
