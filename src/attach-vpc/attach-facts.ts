/**
 * What the attach-vpc steps save and later steps read. Saved as JSON in the run record, so
 * plain data and never a secret: the CustomerGatewayConfiguration (which holds the pre-shared
 * keys) is read again from AWS by the step that needs it and dropped right after.
 */
import { FlatnetError } from '../errors.js';
import type { Announcement } from '../onboarding/hub-announcements.js';
import type { Json } from '../runbook/types.js';

export type AttachPlan = {
  /** The id as typed: a VPC or a VGW id. */
  requestedId: string;
  region: string;
  vpcId: string | null;
  /** The VPC's name (inventory, else the VGW's Name tag, else its id): the tunnels are named after it. */
  vpcName: string;
  /** Static-only connections route this prefix into the tunnels (from the inventory). */
  vpcCidr: string | null;
  vgwId: string;
  vgwAsn: number | null;
  hub: string;
  hubInstanceId: string;
  hubPublicIp: string;
  hubPrivateIp: string;
  hubAsn: number;
  /** A VPN connection from the hub's customer gateway to this VGW that already exists. */
  existing: {
    vpnConnectionId: string;
    customerGatewayId: string;
    staticRoutesOnly: boolean;
  } | null;
  /** The hub already has tunnels to both of the existing connection's outside addresses. */
  alreadyAttached: boolean;
  /** When attached: the hub's peers that carry the connection. */
  hubPeers: string[];
};

export type CustomerGatewayResult = {
  customerGatewayId: string | null;
  reused: boolean;
  skipped: boolean;
};

export type VpnConnectionResult = {
  vpnConnectionId: string | null;
  reused: boolean;
  skipped: boolean;
};

export type HubTunnelsResult = {
  skipped: boolean;
  /** True when this step committed lines on the hub (and so its undo must remove them). */
  added: boolean;
  peers: { name: string; vti: number; remoteAddress: string; neighbor: string | null }[];
  lines: number;
  staticRoutesOnly: boolean;
  /** Static-only: the prefixes routed into the tunnels (removed again by undo). */
  staticPrefixes: string[];
  /** `network` statements this run added so the VGW learns the flat network (undo removes them). */
  announced?: Announcement[];
};

export const STEP = {
  resolve: 'resolve-vpc',
  customerGateway: 'create-customer-gateway',
  vpnConnection: 'create-vpn-connection',
  configureHub: 'configure-hub',
  configureStandby: 'configure-standby',
  propagateRoutes: 'propagate-routes',
  awaitTunnels: 'await-tunnels',
} as const;

export function resultOf<T>(
  results: Readonly<Record<string, Json | undefined>>,
  stepId: string,
): T {
  const value = results[stepId];
  if (value === undefined || value === null || typeof value !== 'object') {
    throw new FlatnetError(
      'INTERNAL',
      `the result of step "${stepId}" is missing from this run's record`,
      'this run cannot continue safely: start a new /vpn attach-vpc run (it reuses what exists)',
    );
  }
  return value as unknown as T;
}

/** The result of a step that may not have recorded one: an undo of the step that failed. */
export function resultIfAny<T>(
  results: Readonly<Record<string, Json | undefined>>,
  stepId: string,
): T | undefined {
  const value = results[stepId];
  return value !== undefined && value !== null && typeof value === 'object'
    ? (value as unknown as T)
    : undefined;
}

export const asJson = (value: object): Json => value as unknown as Json;
