/**
 * The remove-peer runbook's steps, declared once (the checklist is jobs/remove-peer.ts), with
 * the results later steps and the summary read (plain data, checked when read back).
 */
import { z } from 'zod';
import type { Run } from '../runbook/types.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import { standbyResult } from './reach-standby.js';
import { defaultRoleChange, defaultRolePlan } from '../policy/steps/carry-default-role.js';

/** What `find` found: a WireGuard peer with its addresses, or a site. */
const foundPeer = z.union([
  z.object({ kind: z.literal('wireguard'), addresses: z.array(z.string()) }),
  z.object({
    kind: z.literal('ipsec'),
    remote: z.string(),
    /** What the router routes to it (absent in a run planned by an older flatnet). */
    subnets: z.array(z.string()).optional(),
  }),
]);

export const REMOVE_PEER_STEPS = {
  find: stepRef('find', foundPeer),
  planDefaultRole: stepRef('plan-default-role', defaultRolePlan),
  leaveDefaultRole: stepRef('leave-default-role', defaultRoleChange),
  remove: stepRef('remove'),
  removeStandby: stepRef('remove-standby', standbyResult),
  free: stepRef('free', z.object({ freed: z.array(z.string()) })),
} as const;

export const REMOVE_PEER_STEP_IDS = idsOf(REMOVE_PEER_STEPS);

/** The router the peer is removed from (the planner always records it). */
export const routerOf = (run: Readonly<Run>): string => String(run.params.router);
