/**
 * What a run's thread shows, apart from when it is sent: the root message (a status run's root
 * becomes its report summary), the live checklist, and the key that says whether the root
 * needs an edit. Pacing and ordering are the reporter's (thread-reporter.ts, edit-pacing.ts).
 */
import { statusReportOf } from '../../report/status-report-of.js';
import { FINAL_STATUSES, type Run } from '../../runbook/types.js';
import {
  buildChecklist,
  buildRunRoot,
  buildStatusSummary,
  type ChatText,
} from '../blocks/index.js';
import { context } from '../blocks/chat-text.js';
import { commandCode } from '../blocks/describe-run.js';
import { escapeMrkdwn, mention } from '../blocks/escape-mrkdwn.js';

export const isStatusRun = (run: Run): boolean => run.kind === 'status';
export const isFinal = (run: Run): boolean => FINAL_STATUSES.includes(run.status);

/** What the root shows for this state of the run: a status, or `report`. */
export const rootKey = (run: Run): string =>
  isStatusRun(run) && isFinal(run) && statusReportOf(run) ? 'report' : run.status;

export function rootMessage(run: Run): ChatText {
  const report = isStatusRun(run) && isFinal(run) ? statusReportOf(run) : undefined;
  if (!report) return buildRunRoot(run);
  // A status run's root becomes the summary itself; who asked stays visible under it.
  const summary = buildStatusSummary(report);
  return {
    text: summary.text,
    blocks: [
      ...summary.blocks,
      context(`${mention(run.requester)} asked for ${commandCode(run)} · ${escapeMrkdwn(run.id)}`),
    ],
  };
}

/** The checklist, with the latest progress note of each step folded in. */
export const checklistMessage = (run: Run, notes: Record<string, string>): ChatText =>
  buildChecklist(run, { notes });
