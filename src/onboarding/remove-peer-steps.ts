/**
 * The remove-peer runbook's steps, declared once (the checklist is jobs/remove-peer.ts), with
 * the results later steps and the summary read (plain data, checked when read back).
 */
import { z } from 'zod';
import type { Run } from '../runbook/types.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import { standbyResult } from './reach-standby.js';

/** What `find` found: a WireGuard peer with its addresses, or a site. */
const foundPeer = z.union([
  z.object({ kind: z.literal('wireguard'), addresses: z.array(z.string()) }),
  z.object({ kind: z.literal('ipsec'), remote: z.string() }),
]);

export const REMOVE_PEER_STEPS = {
  find: stepRef('find', foundPeer),
  remove: stepRef('remove'),
  removeStandby: stepRef('remove-standby', standbyResult),
  free: stepRef('free', z.object({ freed: z.array(z.string()) })),
} as const;

export const REMOVE_PEER_STEP_IDS = idsOf(REMOVE_PEER_STEPS);

/** The router the peer is removed from (the planner always records it). */
export const routerOf = (run: Readonly<Run>): string => String(run.params.router);
