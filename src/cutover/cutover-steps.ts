/**
 * The cutover's steps, declared once for every runbook that flips traffic (scale-up,
 * scale-down, failover, failback): their ids, and the one result a later step reads.
 */
import { z } from 'zod';
import { stepRef } from '../runbook/step-ref.js';

const routeRef = z.object({ routeTableId: z.string(), destination: z.string() });
const routesMoved = z.object({ repointed: z.array(routeRef), missing: z.array(routeRef) });

const repointResult = routesMoved.extend({
  /**
   * What the step did to the receiving router's IPsec in the same moment: `reset` (re-keying
   * started), `already-up` (a resumed run found every SA up). Absent in runs planned before the
   * re-keying moved here: `bring-tunnels-up` then resets itself.
   */
  ipsec: z.enum(['reset', 'already-up']).optional(),
});
export type RepointResult = z.infer<typeof repointResult>;

/** In checklist order: the routes and the re-keying go together, right after the Elastic IP. */
/**
 * Whether this step's attempt moved the Elastic IP (false: it found it there already), and the
 * routes it moved in the same round when the giver did not answer (`Cutover.giverUnreachable`).
 */
const movedElasticIp = z.object({ moved: z.boolean(), routes: routesMoved.optional() });
export type MovedElasticIp = z.infer<typeof movedElasticIp>;

export const CUTOVER_STEPS = {
  moveElasticIp: stepRef('move-elastic-ip', movedElasticIp),
  repointRoutes: stepRef('repoint-routes', repointResult),
  bringTunnelsUp: stepRef('bring-tunnels-up'),
  verify: stepRef('verify'),
} as const;
