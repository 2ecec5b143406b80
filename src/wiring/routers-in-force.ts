/**
 * The routers as they are now, without a run: the inventory in force with the live router
 * facts (a scale-up's or a failover's instance, not the one the file names), and the pool seen
 * through their endpoints. The monitor probes them each round; a `/vpn add-peer --pubkey` reads
 * their WireGuard keys before its run exists.
 */
import type { Inventory } from '../config/inventory-schema.js';
import type { Logger } from '../log.js';
import type { LiveRouters } from '../live/create-live-routers.js';
import type { InventoryInForce } from '../live/inventory-in-force.js';
import { endpointsFor, inventoryFor } from '../live/apply-router-snapshot.js';
import type { RouterPool } from '../vyos/router-pool.js';
import { readFleetKeys, type FleetKeyReader } from '../onboarding/read-fleet-keys.js';
import { withTimeout } from '../util/map-bounded.js';

export interface RoutersNow {
  inventory: Inventory;
  routers: RouterPool;
  /** Each router's instance type, when EC2 answered. */
  types?: Record<string, string | null>;
  /**
   * Hand this picture over to the run about to be submitted with this id, so that it does not
   * resolve again (src/live/run-router-snapshot.ts); absent when EC2 could not be read.
   */
  handOver?: (runId: string) => Promise<void>;
}

export type RoutersInForce = (timeoutMs?: number) => Promise<RoutersNow>;

export function createRoutersInForce(options: {
  inventories: Pick<InventoryInForce, 'current'>;
  live: Pick<LiveRouters, 'resolve' | 'handOver'>;
  pool: RouterPool;
  logger: Logger;
}): RoutersInForce {
  return async (timeoutMs) => {
    const { loaded: now, logins } = options.inventories.current();
    try {
      const resolving = options.live.resolve();
      const snapshot =
        timeoutMs === undefined
          ? await resolving
          : await withTimeout(resolving, timeoutMs, () => new Error('EC2 did not answer in time'));
      return {
        inventory: inventoryFor(now.inventory, snapshot),
        routers: options.pool.withEndpoints(endpointsFor(logins, snapshot)),
        types: Object.fromEntries(
          Object.entries(snapshot.routers).map(([name, r]) => [name, r.type]),
        ),
        handOver: (runId) => options.live.handOver(runId, snapshot),
      };
    } catch (err) {
      options.logger.warn({ err }, 'router facts unavailable, reaching the inventory as written');
      return { inventory: now.inventory, routers: options.pool.withEndpoints(logins) };
    }
  };
}

/**
 * How long a `--pubkey` may wait for the routers' keys before its run is created: Slack wants
 * the command's answer within 3 s. A router that has not answered by then is compared again in
 * the plan step (docs/security.md says what that leaves).
 */
export const KEY_CHECK_DEADLINE_MS = 2_000;

export function fleetKeyReader(
  routersInForce: RoutersInForce,
  deadlineMs = KEY_CHECK_DEADLINE_MS,
): FleetKeyReader {
  return async () => {
    const startedAt = Date.now();
    const { inventory, routers } = await routersInForce(deadlineMs / 2);
    const left = Math.max(0, deadlineMs - (Date.now() - startedAt));
    return readFleetKeys(routers, Object.keys(inventory.routers), { deadlineMs: left });
  };
}
