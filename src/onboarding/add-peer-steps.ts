/**
 * The add-peer runbook's steps, declared once (the checklist is jobs/add-peer.ts), with the
 * results later steps, the plan and the summary read. Saved as JSON in the run record: plain
 * data and never a secret (a site's pre-shared key lives on the routers only, a generated
 * WireGuard private key only in the configure step's memory).
 */
import { z } from 'zod';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import { standbyResult } from './reach-standby.js';
import { hubVpcRoutesResult } from './route-hub-vpc.js';
import { defaultRoleChange, defaultRolePlan } from '../policy/steps/carry-default-role.js';

/** What `check` found free on the hub: a WireGuard pool, or a site's addresses. */
const checkResult = z.union([
  z.object({ router: z.string(), iface: z.string(), pool: z.string(), keyGiven: z.boolean() }),
  z.object({ router: z.string(), localAddress: z.string(), hubPublicAddress: z.string() }),
]);
export type AddPeerCheck = z.infer<typeof checkResult>;

const siteTunnel = z.object({
  vtiNumber: z.number(),
  hubAddress: z.string(),
  siteAddress: z.string(),
});

/** The tunnel address taken: a pool lease (WireGuard), a site's VTI, or none (policy-based). */
const reserveResult = z.union([
  z.object({ address: z.string() }),
  z.object({ policy: z.literal(true) }),
  siteTunnel,
]);
export type Reservation = z.infer<typeof reserveResult>;

const configureResult = z.object({
  committed: z.boolean(),
  /** WireGuard only: the peer's public key, which the standby gets too. */
  publicKey: z.string().optional(),
  /** WireGuard only: flatnet made the key pair and sent the file in this same step. */
  keyGenerated: z.boolean().optional(),
  delivered: z.boolean().optional(),
});

export const ADD_PEER_STEPS = {
  check: stepRef('check', checkResult),
  planDefaultRole: stepRef('plan-default-role', defaultRolePlan),
  reserve: stepRef('reserve', reserveResult),
  configure: stepRef('configure', configureResult),
  configureStandby: stepRef('configure-standby', standbyResult),
  joinDefaultRole: stepRef('join-default-role', defaultRoleChange),
  routeHubVpc: stepRef('route-hub-vpc', hubVpcRoutesResult),
  deliver: stepRef('deliver', z.object({ address: z.string() })),
} as const;

export const ADD_PEER_STEP_IDS = idsOf(ADD_PEER_STEPS);

/** The address a WireGuard run reserved ('' for a site, or a dry run with a full pool). */
export const reservedAddress = (reservation: Reservation | undefined): string =>
  reservation && 'address' in reservation ? reservation.address : '';

/** A site's VTI, when the run reserved one (route-based). */
export const reservedTunnel = (reservation: Reservation | undefined) =>
  reservation && 'vtiNumber' in reservation ? reservation : undefined;
