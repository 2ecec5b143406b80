/**
 * What the bot would post for a run, as terminal text: the same Block Kit builders the
 * thread reporter uses, rendered by blocksToText. `flatnet run` prints this.
 */
import { blocksToText } from './render-text.js';
import { statusReportOf } from '../report/status-report-of.js';
import type { Run } from '../runbook/types.js';
import {
  buildApprovalPrompt,
  buildChecklist,
  buildRunRoot,
  buildRunSummary,
  buildStatusMessages,
  type ChatText,
} from '../slack/blocks/index.js';

const text = (message: ChatText): string => blocksToText(message.blocks);

export function renderRun(run: Run, now = Date.now()): string {
  const report = run.kind === 'status' ? statusReportOf(run) : undefined;
  if (report) {
    const { summary, details } = buildStatusMessages(report);
    return [text(summary), ...details.map(text)].join('\n\n');
  }
  const parts = [text(buildRunRoot(run)), text(buildChecklist(run))];
  if (run.approval) parts.push(text(buildApprovalPrompt(run, now)));
  if (run.status !== 'awaiting-approval' && run.status !== 'planning' && run.status !== 'running')
    parts.push(text(buildRunSummary(run)));
  return parts.join('\n\n');
}
