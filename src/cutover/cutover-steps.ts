/**
 * The cutover's steps, declared once for every runbook that flips traffic (scale-up,
 * scale-down, failover, failback): their ids, and the one result a later step reads.
 */
import { z } from 'zod';
import { stepRef } from '../runbook/step-ref.js';

const routeRef = z.object({ routeTableId: z.string(), destination: z.string() });

const repointResult = z.object({ repointed: z.array(routeRef), missing: z.array(routeRef) });
export type RepointResult = z.infer<typeof repointResult>;

export const CUTOVER_STEPS = {
  moveElasticIp: stepRef('move-elastic-ip'),
  bringTunnelsUp: stepRef('bring-tunnels-up'),
  repointRoutes: stepRef('repoint-routes', repointResult),
  verify: stepRef('verify'),
} as const;
