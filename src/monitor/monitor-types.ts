/**
 * What the monitor remembers between rounds (in Redis, so any worker runs the next round):
 * per router its consecutive probe results and its open incident, and the last round.
 */

/** One line of an incident's timeline, as the Slack thread shows it. */
export interface TimelineEntry {
  at: number;
  what: 'detected' | 'decided' | 'blocked' | 'acted' | 'verified' | 'failed' | 'resolved';
  text: string;
}

/**
 * One incident: from the Nth failed probe of a router until it answers again. At most one
 * failover per incident; `failover` says how far it got.
 */
export interface Incident {
  id: string;
  router: string;
  /**
   * `unreachable`: the router failed its probes (SSH). `tunnels-down`: it answers SSH but every
   * IPsec SA and BGP session it had up is down; no automatic failover for that (docs/monitor.md),
   * unless it then stops answering too. Absent in incidents saved before: `unreachable`.
   */
  kind?: 'unreachable' | 'tunnels-down';
  openedAt: number;
  resolvedAt?: number;
  timeline: TimelineEntry[];
  failover: 'none' | 'blocked' | 'cooldown' | 'submitting' | 'submitted' | 'done' | 'failed';
  policy?: 'auto' | 'approve';
  runId?: string;
  /** The incident's Slack thread (root message), once posted. */
  threadTs?: string;
}

export interface RouterWatch {
  failures: number;
  successes: number;
  lastProbeAt?: number;
  /**
   * When the current run of failed probes began: the incident it opens is named after it, so
   * a round re-run after its worker died opens the same incident (and finds its claim).
   */
  failingSince?: number;
  lastError?: string;
  /**
   * A probe since the router last answered SSH saw some of its IPsec SAs or BGP sessions up:
   * only then does "all of them down" count as a failure (a standby, or a primary back after a
   * failover without the Elastic IP, has none up and is not failing).
   */
  tunnelsLit?: boolean;
  load5?: number;
  incident?: Incident;
  /** When the monitor last asked for a failover of this router (the cooldown counts from it). */
  lastFailoverAt?: number;
  /** Consecutive probes with the 5-minute load at or above the threshold / below the low mark. */
  loadHigh?: number;
  loadLow?: number;
  /** A scale proposal the monitor asked for and that has not ended yet. */
  scale?: { direction: 'up' | 'down'; at: number; runId?: string };
  /** When the monitor last proposed a scale-up or scale-down (the cooldown counts from it). */
  lastScaleAt?: number;
}

export const NEW_WATCH: RouterWatch = { failures: 0, successes: 0 };

/** A probe of one router, reduced to what the monitor decides on. */
export interface RouterProbe {
  router: string;
  healthy: boolean;
  error?: string;
  load5?: number;
  /** IPsec SAs and BGP sessions down / up (WireGuard clients come and go: not counted). */
  tunnelsDown: string[];
  tunnelsUp?: number;
}

export interface RoundSummary {
  /** The scheduler tick (BullMQ job id) or `manual-…` for a round asked for directly. */
  tick: string;
  startedAt: number;
  finishedAt: number;
  routers: { router: string; healthy: boolean; failures: number; load5?: number; error?: string }[];
  regions: { region: string; tunnelsDown: number; error?: string }[];
  openIncidents: string[];
  paused: string[];
}
