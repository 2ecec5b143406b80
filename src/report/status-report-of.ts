import { shapeOf, stepRef } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import type { StatusReport } from './status-report.js';

/** The status runbook's one step, whose result is the report (see jobs/status.ts). */
export const STATUS_STEPS = { collect: stepRef('collect', shapeOf<StatusReport>()) } as const;
const STATUS_COLLECT_STEP = STATUS_STEPS.collect.id;

/**
 * The StatusReport a status run stored as the result of its `collect` step, or undefined
 * while the step has not finished (or if what is stored is not a report). The shape is
 * checked, not trusted: a run record may come from an older worker.
 */
export function statusReportOf(run: Pick<Run, 'steps'>): StatusReport | undefined {
  const result = run.steps.find((s) => s.id === STATUS_COLLECT_STEP)?.result;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const r = result as Record<string, unknown>;
  if (!Array.isArray(r.routers) || !Array.isArray(r.regions)) return undefined;
  const routersOk = (r.routers as unknown[]).every(
    (x) =>
      isRecord(x) &&
      typeof x.router === 'string' &&
      typeof x.region === 'string' &&
      Array.isArray(x.tunnels),
  );
  const regionsOk = (r.regions as unknown[]).every(
    (x) => isRecord(x) && typeof x.region === 'string' && Array.isArray(x.tunnels),
  );
  if (!routersOk || !regionsOk) return undefined;
  return {
    scope: typeof r.scope === 'string' ? r.scope : '*',
    generatedAt: typeof r.generatedAt === 'number' ? r.generatedAt : 0,
    routers: r.routers as unknown as StatusReport['routers'],
    regions: r.regions as unknown as StatusReport['regions'],
    problems: Array.isArray(r.problems) ? (r.problems as unknown as StatusReport['problems']) : [],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
