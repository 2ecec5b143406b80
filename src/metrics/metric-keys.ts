/**
 * Where run metrics live in Redis. They are kept in Redis, not in process memory, because the
 * steps run in worker processes while /metrics is served by the bot: every process adds to
 * the same hashes and any bot replica reports the fleet-wide totals.
 */
export interface MetricKeys {
  /** hash `kind\toutcome` → runs that ended so */
  runs: string;
  /**
   * hash `kind\tstep\tbucket` → steps whose duration fell in that bucket (not cumulative);
   * `…\tsum`, `…\tcount`
   */
  steps: string;
  /** hash router → JSON `{ up, down, reachable, at }` from the latest status run that covered it */
  tunnels: string;
  /** string per run: set once the run's outcome was counted, so a repeated event counts it once */
  counted(runId: string): string;
}

export function metricKeys(prefix: string): MetricKeys {
  return {
    runs: `${prefix}:metrics:runs`,
    steps: `${prefix}:metrics:steps`,
    tunnels: `${prefix}:metrics:tunnels`,
    counted: (runId) => `${prefix}:metrics:counted:${runId}`,
  };
}

/** Step duration buckets in seconds: from a quick SSH read to a slow instance boot. */
export const STEP_BUCKETS_SECONDS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
] as const;

/** The field separator: kinds, step ids and outcomes never contain a tab. */
export const SEP = '\t';
