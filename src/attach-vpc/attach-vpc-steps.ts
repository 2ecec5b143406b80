/**
 * The attach-vpc runbook's steps, declared once (the checklist is jobs/attach-vpc.ts), with
 * what they save and later steps read. Saved as JSON in the run record, so plain data and
 * never a secret: the CustomerGatewayConfiguration (which holds the pre-shared keys) is read
 * again from AWS by the step that needs it and dropped right after. Checked against these
 * schemas when read back.
 */
import { z } from 'zod';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import { standbyResult } from '../onboarding/reach-standby.js';
import { hubVpcRoutesResult } from '../onboarding/route-hub-vpc.js';
import { defaultRoleChange, defaultRolePlan } from '../policy/steps/carry-default-role.js';

const attachPlan = z.object({
  /** The id as typed: a VPC or a VGW id. */
  requestedId: z.string(),
  region: z.string(),
  vpcId: z.string().nullable(),
  /** The VPC's name (inventory, else the VGW's Name tag, else its id): tunnels are named so. */
  vpcName: z.string(),
  /**
   * Static-only connections route this prefix into the tunnels: the inventory's range, else the
   * VPC's primary range as EC2 says (DescribeVpcs).
   */
  vpcCidr: z.string().nullable(),
  /**
   * Every range of the VPC: the inventory's, or for a VPC it does not list, what EC2 says
   * (primary first). Absent in a run planned by an older flatnet.
   */
  vpcCidrs: z.array(z.string()).optional(),
  /** The inventory lists the VPC (under regions.<region>.vpcs); absent in older runs. */
  vpcListed: z.boolean().optional(),
  vgwId: z.string(),
  vgwAsn: z.number().nullable(),
  hub: z.string(),
  hubInstanceId: z.string(),
  hubPublicIp: z.string(),
  hubPrivateIp: z.string(),
  hubAsn: z.number(),
  /** A VPN connection from the hub's customer gateway to this VGW that already exists. */
  existing: z
    .object({
      vpnConnectionId: z.string(),
      customerGatewayId: z.string(),
      staticRoutesOnly: z.boolean(),
    })
    .nullable(),
  /** The hub already has tunnels to both of the existing connection's outside addresses. */
  alreadyAttached: z.boolean(),
  /** When attached: the hub's peers that carry the connection. */
  hubPeers: z.array(z.string()),
});
export type AttachPlan = z.infer<typeof attachPlan>;

const customerGatewayResult = z.object({
  customerGatewayId: z.string().nullable(),
  reused: z.boolean(),
  skipped: z.boolean(),
});
export type CustomerGatewayResult = z.infer<typeof customerGatewayResult>;

const vpnConnectionResult = z.object({
  vpnConnectionId: z.string().nullable(),
  reused: z.boolean(),
  skipped: z.boolean(),
});
export type VpnConnectionResult = z.infer<typeof vpnConnectionResult>;

const tunnelPeer = z.object({
  name: z.string(),
  vti: z.number(),
  remoteAddress: z.string(),
  neighbor: z.string().nullable(),
});

/** A `network` statement (or anchor route) added so the VGW learns the flat network. */
const announcement = z.object({
  prefix: z.string(),
  network: z.boolean(),
  anchor: z.string().optional(),
});

const hubTunnelsResult = z.object({
  skipped: z.boolean(),
  /** True when this step committed lines on the hub (and so its undo must remove them). */
  added: z.boolean(),
  peers: z.array(tunnelPeer),
  lines: z.number(),
  staticRoutesOnly: z.boolean(),
  /** Static-only: the prefixes routed into the tunnels (removed again by undo). */
  staticPrefixes: z.array(z.string()),
  /** `network` statements this run added so the VGW learns the flat network (undo removes them). */
  announced: z.array(announcement).optional(),
  /** Existing neighbours of the VGW's AS this run gave as-override (undo removes it). */
  overridden: z.array(z.string()).optional(),
});
export type HubTunnelsResult = z.infer<typeof hubTunnelsResult>;

const standbyTunnelsResult = standbyResult.extend({
  peers: z.array(tunnelPeer),
  staticPrefixes: z.array(z.string()),
  announced: z.array(announcement).optional(),
  overridden: z.array(z.string()).optional(),
});
export type StandbyTunnelsResult = z.infer<typeof standbyTunnelsResult>;

const propagationResult = z.object({
  /** Route tables this run turned propagation on for (undo turns it off again). */
  enabled: z.array(z.string()),
  /** Tables that already propagated from this VGW. */
  already: z.array(z.string()),
});
export type PropagationResult = z.infer<typeof propagationResult>;

export const ATTACH_VPC_STEPS = {
  resolve: stepRef('resolve-vpc', attachPlan),
  planDefaultRole: stepRef('plan-default-role', defaultRolePlan),
  customerGateway: stepRef('create-customer-gateway', customerGatewayResult),
  vpnConnection: stepRef('create-vpn-connection', vpnConnectionResult),
  configureHub: stepRef('configure-hub', hubTunnelsResult),
  configureStandby: stepRef('configure-standby', standbyTunnelsResult),
  joinDefaultRole: stepRef('join-default-role', defaultRoleChange),
  propagateRoutes: stepRef('propagate-routes', propagationResult),
  routeHubVpc: stepRef('route-hub-vpc', hubVpcRoutesResult),
  awaitTunnels: stepRef('await-tunnels'),
} as const;

export const ATTACH_VPC_STEP_IDS = idsOf(ATTACH_VPC_STEPS);
