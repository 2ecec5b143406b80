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
} from '../onboarding/read-fleet-keys.js';
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
 * How long a `--pubkey` from Slack may wait for the routers' keys before its run is created:
 * Slack wants the command's answer within 3 s, and the rest of the answer needs some of them.
 */
export const KEY_CHECK_DEADLINE_MS = 1_000;

/**
 * The routers' keys for a `--pubkey` before its run exists. From Slack, only routers whose SSH
 * session is open are read (a handshake to each router of the fleet would hold the answer past
 * Slack's 3 s: the plan step reads the others), by a deadline, and commands that arrive together
 * share one read. From the command line, every router, however long it takes.
 */
export function fleetKeyReader(
  routersInForce: RoutersInForce,
  logger: Logger,
  deadlineMs = KEY_CHECK_DEADLINE_MS,
): FleetKeyReader {
  const onUnanswered = (router: string, err: unknown) =>
    logger.warn({ err, router }, 'router did not give its WireGuard keys on arrival');
  let inflight: Promise<FleetKeys> | undefined;
  const readOpen = async (): Promise<FleetKeys> => {
    const startedAt = Date.now();
    const { inventory, routers } = await routersInForce(deadlineMs / 2);
    const names = Object.keys(inventory.routers);
    const open = names.filter((n) => routers.isOpen(n));
    // The others are not waited for, but opened now, so the next command compares them.
    openInBackground(
      routers,
      names.filter((n) => !open.includes(n)),
      logger,
    );
    const left = Math.max(0, deadlineMs - (Date.now() - startedAt));
    const read = await readFleetKeys(routers, open, { deadlineMs: left, onUnanswered });
    return {
      known: read.known,
      unread: [...names.filter((n) => !open.includes(n)), ...read.unread],
    };
  };
  return async ({ patient }) => {
    if (patient) {
      const { inventory, routers } = await routersInForce();
      return readFleetKeys(routers, Object.keys(inventory.routers), { onUnanswered });
    }
    inflight ??= readOpen().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}

/**
 * Open a session to each of these routers without waiting: the Slack front end compares a
 * `--pubkey` only with routers whose session is open, so the bot opens them all when it
 * starts and whenever the check finds one closed. A router that does not answer is logged.
 */
export function openInBackground(
  routers: Pick<RouterPool, 'router'>,
  names: readonly string[],
  logger: Logger,
): void {
  for (const name of names)
    routers
      .router(name)
      .runningConfig()
      .catch((err: unknown) =>
        logger.warn({ err, router: name }, 'router session not opened for the key check'),
      );
}
