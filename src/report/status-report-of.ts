import { z } from 'zod';
import { resultIn, stepRef } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import type { StatusReport } from './status-report.js';

/**
 * What a stored report must have to be shown: routers and regions with their tunnels. The
 * rest of its shape is checked by TypeScript where it is written (jobs/status.ts); a report is
 * shown, never acted on, so a record from an older worker is read with defaults, not refused.
 */
function looksLikeReport(value: unknown): value is StatusReport {
  if (!isRecord(value) || !Array.isArray(value.routers) || !Array.isArray(value.regions))
    return false;
  const routersOk = (value.routers as unknown[]).every(
    (x) =>
      isRecord(x) &&
      typeof x.router === 'string' &&
      typeof x.region === 'string' &&
      Array.isArray(x.tunnels),
  );
  const regionsOk = (value.regions as unknown[]).every(
    (x) => isRecord(x) && typeof x.region === 'string' && Array.isArray(x.tunnels),
  );
  return routersOk && regionsOk;
}

/** The status runbook's one step, whose result is the report (see jobs/status.ts). */
export const STATUS_STEPS = {
  collect: stepRef('collect', z.custom<StatusReport>(looksLikeReport)),
} as const;

/**
 * The StatusReport a status run stored as the result of its `collect` step, or undefined
 * while the step has not finished (or if what is stored is not a report). The shape is
 * checked, not trusted: a run record may come from an older worker.
 */
export function statusReportOf(run: Pick<Run, 'steps'>): StatusReport | undefined {
  const r: Partial<StatusReport> | undefined = resultIn(run, STATUS_STEPS.collect);
  if (!r?.routers || !r.regions) return undefined;
  return {
    scope: typeof r.scope === 'string' ? r.scope : '*',
    generatedAt: typeof r.generatedAt === 'number' ? r.generatedAt : 0,
    routers: r.routers,
    regions: r.regions,
    problems: Array.isArray(r.problems) ? r.problems : [],
    ...(isRecord(r.reach) && Array.isArray(r.reach.hops) && typeof r.reach.broken === 'number'
      ? { reach: r.reach }
      : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
