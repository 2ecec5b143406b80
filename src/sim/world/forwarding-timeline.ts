/**
 * Per path (`A → B`: a packet from A reaches B and the reply comes back, judged by the
 * reachability oracle), whether it works, and every interval it did not. The world calls
 * `record` at each instant something could have changed (an EC2 event, a commit, a tunnel
 * finishing its establishment), so outages are measured, not sampled.
 */

export interface Outage {
  path: string;
  from: number;
  /** Undefined while the outage is still going on. */
  to?: number;
  durationMs: number;
}

export interface PathForwarding {
  path: string;
  forwarded: boolean;
  since: number;
}

export interface TimelineSnapshot {
  now: number;
  paths: PathForwarding[];
  outages: Outage[];
}

export interface OutageSummary {
  /** The longest single broken interval of any path (ongoing ones count up to now). */
  longestMs: number;
  /** Broken time summed over paths. */
  totalMs: number;
  /** How many outages touched the window. */
  count: number;
}

export class ForwardingTimeline {
  private readonly current = new Map<string, PathForwarding>();
  private outages: Outage[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Record the state of one path now; a change opens or closes an outage. */
  record(path: string, forwarded: boolean, at = this.now()): void {
    const cur = this.current.get(path);
    if (cur && cur.forwarded === forwarded) return;
    this.current.set(path, { path, forwarded, since: at });
    if (!forwarded) {
      this.outages.push({ path, from: at, durationMs: 0 });
    } else if (cur) {
      const open = this.outages.findLast((o) => o.path === path && o.to === undefined);
      if (open) {
        open.to = at;
        open.durationMs = at - open.from;
      }
    }
  }

  /** A path that is no longer part of the network (a detached VPC) stops being tracked. */
  forget(path: string, at = this.now()): void {
    if (this.current.get(path)?.forwarded === false) this.record(path, true, at);
    this.current.delete(path);
  }

  tracked(): string[] {
    return [...this.current.keys()];
  }

  isForwarded(path: string): boolean | undefined {
    return this.current.get(path)?.forwarded;
  }

  snapshot(): TimelineSnapshot {
    const now = this.now();
    return {
      now,
      paths: [...this.current.values()].map((v) => ({ ...v })),
      outages: this.outages.map((o) =>
        o.to === undefined ? { ...o, durationMs: now - o.from } : { ...o },
      ),
    };
  }

  /**
   * Outage time since `sinceTs` (default: all of it), clipped to the window; `only` keeps
   * the paths it accepts (e.g. those that worked when a measurement began).
   */
  outageMs(sinceTs = 0, only: (path: string) => boolean = () => true): OutageSummary {
    const now = this.now();
    let longestMs = 0;
    let totalMs = 0;
    let count = 0;
    for (const o of this.outages) {
      const end = o.to ?? now;
      if (end < sinceTs || !only(o.path)) continue;
      const ms = end - Math.max(o.from, sinceTs);
      count += 1;
      totalMs += ms;
      longestMs = Math.max(longestMs, ms);
    }
    return { longestMs, totalMs, count };
  }

  /** Forget past outages (ongoing ones restart now), e.g. before measuring one runbook. */
  reset(): void {
    const now = this.now();
    this.outages = [];
    for (const v of this.current.values()) {
      v.since = now;
      if (!v.forwarded) this.outages.push({ path: v.path, from: now, durationMs: 0 });
    }
  }
}
