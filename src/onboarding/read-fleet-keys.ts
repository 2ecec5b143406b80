/**
 * Every WireGuard key the routers hold (interfaces' own, with their private halves, and
 * peers'), read a few routers at a time. Used twice: when `/vpn add-peer --pubkey` arrives,
 * before any run exists (so a pasted private key is refused before a record, a thread or a log
 * line could hold it), and in the add-peer plan step. With a cache, each answer refreshes the
 * router's kept public keys, and a router that does not answer is compared with those.
 */
import { mapBounded } from '../util/map-bounded.js';
import type { ConfigLine } from '../vyos/types.js';
import { wireguardKeysOf, type KnownWireguardKey } from './check-key-in-fleet.js';
import type { FleetKeyCache } from './fleet-key-cache.js';

export interface FleetKeys {
  known: KnownWireguardKey[];
  /** Routers that did not answer and were never read before: their keys were not compared. */
  unread: string[];
  /** Routers that did not answer, compared with the public keys they gave when last read. */
  fromCache?: string[];
}

/**
 * Reads the fleet's keys now, every router however long it takes; a `--pubkey` planner asks
 * it before creating the run (from Slack after the command's ack, so no deadline applies).
 */
export type FleetKeyReader = () => Promise<FleetKeys>;

export interface ReadFleetKeysOptions {
  /** Give up on the routers that have not answered after this long (Slack waits 3 s). */
  deadlineMs?: number;
  /** At most this many routers read at once. Default 8. */
  concurrency?: number;
  /** A router that did not answer: its keys are compared later, and why it did not is logged. */
  onUnanswered?: (router: string, err: unknown) => void;
  /** Kept public keys: refreshed by each answer, compared for a router that gives none. */
  cache?: FleetKeyCache;
  /** The cache could not be written: the check goes on with what it read. */
  onCacheError?: (router: string, err: unknown) => void;
}

export async function readFleetKeys(
  routers: { router(name: string): { runningConfig(): Promise<ConfigLine[]> } },
  names: readonly string[],
  options: ReadFleetKeysOptions = {},
): Promise<FleetKeys> {
  const answered = new Map<string, ConfigLine[]>();
  const reads = mapBounded(names, options.concurrency ?? 8, async (router) => {
    let lines: ConfigLine[];
    try {
      lines = await routers.router(router).runningConfig();
    } catch (err) {
      // Not answering is the router's problem, not the command's: its keys are compared later.
      options.onUnanswered?.(router, err);
      return;
    }
    answered.set(router, lines);
    await options.cache
      ?.remember(router, wireguardKeysOf(router, lines))
      .catch((err: unknown) => options.onCacheError?.(router, err));
  });
  if (options.deadlineMs === undefined) await reads;
  else {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.deadlineMs);
    });
    await Promise.race([reads, deadline]);
    clearTimeout(timer);
  }
  // A snapshot of who answered by now: a read landing later changes nothing returned.
  const read = [...answered];
  const known = read.flatMap(([router, lines]) => wireguardKeysOf(router, lines));
  const unread = names.filter((n) => !answered.has(n));
  if (!options.cache || unread.length === 0) return { known, unread };
  const kept = await options.cache.recall(unread);
  return {
    known: [...known, ...[...kept.values()].flat()],
    unread: unread.filter((n) => !kept.has(n)),
    fromCache: unread.filter((n) => kept.has(n)),
  };
}
