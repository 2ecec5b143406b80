/**
 * What the scale-up / scale-down runbook needs from the outside world, injected so tests can
 * hand it the simulator and production the real adapters. Nothing here imports ssh2 or the
 * AWS SDK: the runbook speaks to ports.
 */
import type { Cloud } from '../aws/cloud.js';
import type { RouterInstance } from '../aws/types.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { RouterFactsStore } from './router-facts.js';

/** Where the replacement instance answers SSH, and the host key flatnet pinned on first use. */
export interface InstanceEndpoint {
  /** A name for logs and errors, e.g. `hub-tokyo-a (i-0abc…)`. */
  name: string;
  host: string;
  port: number;
  /** `ssh-ed25519 AAAA…`, scanned once from the instance this run launched. */
  hostKey: string;
  /**
   * The inventory router whose login (user and bot key) the new instance shares: it booted from the
   * same AMI.
   */
  sameLoginAs: string;
}

export interface ScaleRouters {
  /** A session to a router of the inventory (merged with the router facts by the runtime). */
  router(name: string): RouterClient;
  /** A session to an instance the inventory does not know yet: the replacement. */
  forInstance(endpoint: InstanceEndpoint): RouterClient;
}

export interface ScaleDeps {
  inventory: Inventory;
  cloud: Cloud;
  routers: ScaleRouters;
  /**
   * Where a new instance answers SSH. Production: `{ host: privateIp, port: 22 }`; the simulator:
   * the world's resolver.
   */
  replacementSsh: (instance: RouterInstance) => Promise<{ host: string; port: number }>;
  /**
   * Reads a new instance's host key (trust on first use, only for the instance this run launched).
   */
  scanHostKey: (endpoint: { host: string; port: number }) => Promise<string>;
  routerFacts: RouterFactsStore;
  clock: () => number;
  /** How long to wait for the tunnels on the new router, and how often to look. */
  tunnelWait: { timeoutMs: number; pollMs: number };
}
