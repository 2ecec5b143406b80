/**
 * Every WireGuard key the routers hold (interfaces' own, with their private halves, and
 * peers'), read a few routers at a time. Used twice: when `/vpn add-peer --pubkey` arrives,
 * before any run exists (so a pasted private key is refused before a record, a thread or a log
 * line could hold it), and in the add-peer plan step, for the routers that did not answer then.
 */
import { mapBounded } from '../util/map-bounded.js';
import type { ConfigLine } from '../vyos/types.js';
import { wireguardKeysOf, type KnownWireguardKey } from './check-key-in-fleet.js';

export interface FleetKeys {
  known: KnownWireguardKey[];
  /** Routers that did not answer (or not in time): their keys were not compared. */
  unread: string[];
}

/**
 * Reads the fleet's keys now; a `--pubkey` planner asks it before creating the run. `patient`:
 * read every router however long it takes (the command line); otherwise (Slack, which wants
 * its answer within 3 s) only the routers whose SSH session is open, by a deadline.
 */
export type FleetKeyReader = (options: { patient: boolean }) => Promise<FleetKeys>;

export interface ReadFleetKeysOptions {
  /** Give up on the routers that have not answered after this long (Slack waits 3 s). */
  deadlineMs?: number;
  /** At most this many routers read at once. Default 8. */
  concurrency?: number;
  /** A router that did not answer: its keys are compared later, and why it did not is logged. */
  onUnanswered?: (router: string, err: unknown) => void;
}

export async function readFleetKeys(
  routers: { router(name: string): { runningConfig(): Promise<ConfigLine[]> } },
  names: readonly string[],
  options: ReadFleetKeysOptions = {},
): Promise<FleetKeys> {
  const answered = new Map<string, ConfigLine[]>();
  const reads = mapBounded(names, options.concurrency ?? 8, async (router) => {
    try {
      answered.set(router, await routers.router(router).runningConfig());
    } catch (err) {
      // Not answering is the router's problem, not the command's: its keys are compared later.
      options.onUnanswered?.(router, err);
    }
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
  return {
    known: read.flatMap(([router, lines]) => wireguardKeysOf(router, lines)),
    unread: names.filter((n) => !answered.has(n)),
  };
}
