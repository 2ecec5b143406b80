/**
 * The runtime's live picture of the routers: for each run, the snapshot it was planned with
 * (resolved once, kept in the run's record), the inventory as that snapshot reads, and the
 * router pool seen through its endpoints. A fresher snapshot retires the pool's sessions to
 * endpoints no router has any more (an instance a scale-up replaced).
 */
import type { Cloud } from '../aws/cloud.js';
import type { Logger } from '../log.js';
import type { RouterFactsStore } from '../scaleup/router-facts.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { RouterPool } from '../vyos/router-pool.js';
import type { InventoryInForce } from './inventory-in-force.js';
import { endpointsFor, inventoryFor } from './apply-router-snapshot.js';
import { resolveRouters } from './resolve-routers.js';
import type { RouterSnapshot } from './router-snapshot.js';
import type { RunRouterSnapshots } from './run-router-snapshot.js';

export interface LiveRoutersOptions {
  /**
   * The inventory in force and the bot's SSH logins it names (host, port and host key come
   * from the snapshot). A reload replaces it; runs in flight keep the one they were planned with.
   */
  inventories: Pick<InventoryInForce, 'current' | 'byDigest'>;
  pool: RouterPool;
  cloud: Pick<Cloud, 'findRouterInstances'>;
  routerFacts: Pick<RouterFactsStore, 'snapshot'>;
  snapshots: RunRouterSnapshots;
  logger: Logger;
  clock?: () => number;
  /** How long one region's DescribeInstances may take before a run goes on without it. */
  ec2TimeoutMs?: number;
}

export interface RunRouters {
  snapshot: RouterSnapshot;
  inventory: Inventory;
  pool: RouterPool;
}

/**
 * How old a snapshot handed over to a run (the monitor round's) may be when the run starts
 * and still be used instead of resolving again. The round resolves, probes (at most
 * `probeTimeoutMs`, 3 s by default) and submits; a run taken at once starts well within this.
 * Older, or resolved before a cutover moved the router facts on, or under another inventory,
 * and the run resolves its own. What it saves is one EC2 round trip before the failover's
 * plan step, which reads the two routers and the Elastic IP from EC2 again anyway.
 */
export const HANDED_OVER_FRESH_MS = 5000;

export interface LiveRouters {
  forRun(runId: string): Promise<RunRouters>;
  /** Offer a snapshot resolved now to the run that will have this id (see HANDED_OVER_FRESH_MS). */
  handOver(runId: string, snapshot: RouterSnapshot): Promise<void>;
  /** Resolve now, without a run (`flatnet check`, tests). */
  resolve(): Promise<RouterSnapshot>;
}

export function createLiveRouters(options: LiveRoutersOptions): LiveRouters {
  const clock = options.clock ?? Date.now;
  let newest = { version: -1, at: -1 };
  // Runs that start together (twenty add-peers at once) share one resolution, but only one
  // begun at the facts version they read themselves: a run after a cutover never gets a
  // picture from before it.
  let inflight: { version: number; digest: string; snapshot: Promise<RouterSnapshot> } | undefined;
  const resolve = async (): Promise<RouterSnapshot> => {
    const { version } = await options.routerFacts.snapshot();
    const digest = options.inventories.current().digest;
    if (inflight && inflight.version === version && inflight.digest === digest)
      return inflight.snapshot;
    const snapshot = resolveNow();
    const mine = { version, digest, snapshot };
    inflight = mine;
    try {
      return await snapshot;
    } finally {
      if (inflight === mine) inflight = undefined;
    }
  };
  const resolveNow = async (): Promise<RouterSnapshot> => {
    const generation = options.inventories.current();
    const resolved = await resolveRouters({
      inventory: generation.loaded.inventory,
      cloud: options.cloud,
      routerFacts: options.routerFacts,
      clock,
      ec2TimeoutMs: options.ec2TimeoutMs ?? 10_000,
    });
    const snapshot = { ...resolved, inventoryDigest: generation.digest };
    for (const problem of snapshot.problems)
      options.logger.warn({ problem }, 'router resolution: EC2 disagrees or did not answer');
    return snapshot;
  };
  return {
    resolve,
    handOver: (runId, snapshot) =>
      options.snapshots.handOver(runId, snapshot, HANDED_OVER_FRESH_MS),
    async forRun(runId) {
      const snapshot = await options.snapshots.getOrResolve(runId, resolve, async (handed) => {
        if (clock() - handed.resolvedAt > HANDED_OVER_FRESH_MS) return false;
        if (handed.inventoryDigest !== options.inventories.current().digest) return false;
        return (await options.routerFacts.snapshot()).version === handed.factsVersion;
      });
      const generation = options.inventories.byDigest(snapshot.inventoryDigest);
      const endpoints = endpointsFor(generation.logins, snapshot);
      // Only the newest picture may close sessions: an older run's snapshot, read again on
      // resume, must not close the sessions to the instances that replaced its routers.
      if (
        snapshot.factsVersion > newest.version ||
        (snapshot.factsVersion === newest.version && snapshot.resolvedAt >= newest.at)
      ) {
        newest = { version: snapshot.factsVersion, at: snapshot.resolvedAt };
        options.pool.retireStale(endpoints);
      }
      return {
        snapshot,
        inventory: inventoryFor(generation.loaded.inventory, snapshot),
        pool: options.pool.withEndpoints(endpoints),
      };
    },
  };
}
