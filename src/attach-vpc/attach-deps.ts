/**
 * What the attach-vpc runbook needs from the world: the inventory, the hub's router client
 * and the EC2 calls below. `RunbookDeps` (src/wiring) satisfies it; tests pass fakes or the
 * simulator.
 */
import type { Cloud } from '../aws/cloud.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { RouterClient } from '../vyos/router-client.js';

export type AttachCloud = Pick<
  Cloud,
  | 'describeAddress'
  | 'describeInstance'
  | 'describeVpnGateways'
  | 'describeVpcs'
  | 'describeVpnConnections'
  | 'createCustomerGateway'
  | 'createVpnConnection'
  | 'describeRouteTables'
  | 'setVgwRoutePropagation'
  | 'createRoute'
  | 'deleteRoute'
>;

export interface AttachVpcDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  cloud: AttachCloud;
}

/** How long to wait for AWS to report both tunnels UP and BGP to come up, and how often to look. */
export interface TunnelWait {
  timeoutMs: number;
  /** First poll delay; doubles up to `maxPollMs` (fast in the simulator, polite with AWS). */
  firstPollMs: number;
  maxPollMs: number;
}

export interface AttachVpcOptions {
  tunnelWait?: Partial<TunnelWait>;
  /** commit-confirm window on the hub. */
  confirmMinutes?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** AWS takes minutes to bring a new VPN connection's tunnels up: ten minutes before giving up. */
export const DEFAULT_TUNNEL_WAIT: TunnelWait = {
  timeoutMs: 10 * 60_000,
  firstPollMs: 100,
  maxPollMs: 5_000,
};
export const DEFAULT_CONFIRM_MINUTES = 5;
