/**
 * The metrics observer: counts every run once when it ends (by kind and outcome), adds each
 * finished step's duration to a histogram, and keeps the tunnel counts of the latest status
 * run per router. It writes to Redis (see metric-keys.ts), so whichever process runs a step
 * (the bot with in-process workers, or a worker service) feeds the bot's /metrics.
 */
import type { RedisClient } from '../util/redis-client.js';
import { statusReportOf } from '../report/status-report-of.js';
import type { RunObserver } from '../runbook/observer.js';
import { FINAL_STATUSES, type Run, type RunEvent } from '../runbook/types.js';
import { metricKeys, SEP, STEP_BUCKETS_SECONDS } from './metric-keys.js';

/** How long a "this run was counted" marker is kept: longer than any run's retries. */
const COUNTED_TTL_SECONDS = 7 * 24 * 3600;

/** The events after which a run can be final (rejected and expired do not emit `finished`). */
const ENDING_EVENTS: ReadonlySet<RunEvent['type']> = new Set(['finished', 'rejected', 'expired']);

export function bucketOf(seconds: number): string {
  const bucket = STEP_BUCKETS_SECONDS.find((le) => seconds <= le);
  return bucket === undefined ? '+Inf' : String(bucket);
}

export function createMetricsObserver(options: {
  redis: RedisClient;
  prefix: string;
}): RunObserver {
  const keys = metricKeys(options.prefix);
  const { redis } = options;

  const countOutcome = async (run: Run): Promise<void> => {
    if (!FINAL_STATUSES.includes(run.status)) return;
    // SET NX: a run whose end is announced twice (a resumed worker, a cancel racing a finish)
    // counts once.
    const first = await redis.set(
      keys.counted(run.id),
      run.status,
      'EX',
      COUNTED_TTL_SECONDS,
      'NX',
    );
    if (first !== 'OK') return;
    await redis.hincrby(keys.runs, `${run.kind}${SEP}${run.status}`, 1);
  };

  const addStepDuration = async (run: Run, stepId: string): Promise<void> => {
    const step = run.steps.find((s) => s.id === stepId);
    if (step?.startedAt === undefined || step.finishedAt === undefined) return;
    const seconds = Math.max(0, step.finishedAt - step.startedAt) / 1000;
    const field = `${run.kind}${SEP}${step.id}`;
    await redis
      .multi()
      .hincrby(keys.steps, `${field}${SEP}${bucketOf(seconds)}`, 1)
      .hincrbyfloat(keys.steps, `${field}${SEP}sum`, seconds)
      .hincrby(keys.steps, `${field}${SEP}count`, 1)
      .exec();
  };

  const keepTunnelCounts = async (run: Run, at: number): Promise<void> => {
    const report = statusReportOf(run);
    if (!report) return;
    const fields: Record<string, string> = {};
    for (const r of report.routers) {
      const up = r.tunnels.filter((t) => t.state === 'up').length;
      fields[r.router] = JSON.stringify({
        up,
        down: r.tunnels.length - up,
        reachable: r.reachable,
        at,
      });
    }
    if (Object.keys(fields).length > 0) await redis.hset(keys.tunnels, fields);
  };

  return {
    async onEvent(run, event) {
      if (event.type === 'step-finished' && event.stepId) await addStepDuration(run, event.stepId);
      if (ENDING_EVENTS.has(event.type)) {
        await countOutcome(run);
        if ((run.kind === 'status' || run.kind === 'router-status') && run.status === 'succeeded')
          await keepTunnelCounts(run, event.at);
      }
    },
  };
}
