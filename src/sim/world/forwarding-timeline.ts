/**
 * Per VPC, whether its traffic through the hub is forwarded, and every interval it was not.
 * The world calls `record` at each instant something could have changed (an EC2 event, a
 * commit, a tunnel finishing its establishment), so outages are measured, not sampled.
 */

export interface Outage {
  vpc: string;
  from: number;
  /** Undefined while the outage is still going on. */
  to?: number;
  durationMs: number;
}

export interface VpcForwarding {
  vpc: string;
  forwarded: boolean;
  since: number;
}

export interface TimelineSnapshot {
  now: number;
  vpcs: VpcForwarding[];
  outages: Outage[];
}

export interface OutageSummary {
  /** The longest single black-holed interval of any VPC (ongoing ones count up to now). */
  longestMs: number;
  /** Black-holed time summed over VPCs. */
  totalMs: number;
  /** How many outages touched the window. */
  count: number;
}

export class ForwardingTimeline {
  private readonly current = new Map<string, VpcForwarding>();
  private outages: Outage[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Record the state of one VPC now; a change opens or closes an outage. */
  record(vpc: string, forwarded: boolean, at = this.now()): void {
    const cur = this.current.get(vpc);
    if (cur && cur.forwarded === forwarded) return;
    this.current.set(vpc, { vpc, forwarded, since: at });
    if (!forwarded) {
      this.outages.push({ vpc, from: at, durationMs: 0 });
    } else if (cur) {
      const open = this.outages.findLast((o) => o.vpc === vpc && o.to === undefined);
      if (open) {
        open.to = at;
        open.durationMs = at - open.from;
      }
    }
  }

  /** A VPC that is no longer part of the network (detached) stops being tracked. */
  forget(vpc: string, at = this.now()): void {
    if (this.current.get(vpc)?.forwarded === false) this.record(vpc, true, at);
    this.current.delete(vpc);
  }

  isForwarded(vpc: string): boolean | undefined {
    return this.current.get(vpc)?.forwarded;
  }

  snapshot(): TimelineSnapshot {
    const now = this.now();
    return {
      now,
      vpcs: [...this.current.values()].map((v) => ({ ...v })),
      outages: this.outages.map((o) =>
        o.to === undefined ? { ...o, durationMs: now - o.from } : { ...o },
      ),
    };
  }

  /** Outage time since `sinceTs` (default: all of it), clipped to the window. */
  outageMs(sinceTs = 0): OutageSummary {
    const now = this.now();
    let longestMs = 0;
    let totalMs = 0;
    let count = 0;
    for (const o of this.outages) {
      const end = o.to ?? now;
      if (end < sinceTs) continue;
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
      if (!v.forwarded) this.outages.push({ vpc: v.vpc, from: now, durationMs: 0 });
    }
  }
}
