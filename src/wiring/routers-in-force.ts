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
import {
  readFleetKeys,
  type FleetKeyReader,
  type FleetKeys,
  type ReadFleetKeysOptions,
} from '../onboarding/read-fleet-keys.js';
import type { FleetKeyCache } from '../onboarding/fleet-key-cache.js';
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
 * The routers' keys for a `--pubkey` before its run exists: every router in force, however long
 * it takes (Slack's command is acknowledged first, so no 3 s deadline applies), and a router
 * that does not answer compared with the public keys it gave when last read (`cache`).
 * Commands that arrive together share one read.
 */
export function fleetKeyReader(
  routersInForce: RoutersInForce,
  logger: Logger,
  cache: FleetKeyCache,
): FleetKeyReader {
  let inflight: Promise<FleetKeys> | undefined;
  const readAll = async (): Promise<FleetKeys> => {
    const { inventory, routers } = await routersInForce();
    return readFleetKeys(routers, Object.keys(inventory.routers), keyReadOptions(logger, cache));
  };
  return () => {
    inflight ??= readAll().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}

/**
 * Read every router's keys without waiting for them: the bot does it when it starts, so that
 * the sessions are open (the first `--pubkey` check is then one exchange a router) and each
 * router's public keys are kept for the day it does not answer. A router that does not answer
 * is logged.
 */
export function readKeysInBackground(
  routers: Parameters<typeof readFleetKeys>[0],
  names: readonly string[],
  logger: Logger,
  cache: FleetKeyCache,
): void {
  readFleetKeys(routers, names, keyReadOptions(logger, cache)).catch((err: unknown) =>
    logger.warn({ err }, "routers' WireGuard keys not read at start"),
  );
}

function keyReadOptions(logger: Logger, cache: FleetKeyCache): ReadFleetKeysOptions {
  return {
    cache,
    onUnanswered: (router, err) =>
      logger.warn({ err, router }, 'router did not give its WireGuard keys'),
    onCacheError: (router, err) =>
      logger.warn({ err, router }, "router's WireGuard public keys not kept in Redis"),
  };
}
