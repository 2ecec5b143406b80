import type { Run, StepState } from '../../runbook/types.js';
import type { Block } from '../chat-port.js';
import { LIMITS, context, section, type ChatText } from './chat-text.js';
import {
  RUN_STATUS_ICON,
  STEP_ICON,
  STEP_WORD,
  commandCode,
  describeStatus,
} from './describe-run.js';
import { escapeKeepingMentions, escapeMrkdwn } from './escape-mrkdwn.js';
import { formatDuration } from '../../util/format-time.js';
import { chunkLines, limitLines, truncate } from './truncate.js';

export interface ChecklistOptions {
  /**
   * Latest progress note per step id ("waiting for tunnels: 3/5 up"), shown under a running step.
   */
  notes?: Record<string, string>;
}

/**
 * Longest detail or error shown per step: the checklist is a glance, the thread replies hold the
 * rest.
 */
const DETAIL_MAX = 300;
/** Characters of step lines per message, leaving room for the header and JSON overhead. */
const STEPS_BUDGET = 9000;

/**
 * The run's steps as a live checklist, edited in place as the run moves on:
 * ✅ done · ⏳ running · ⚪ pending · ❌ failed · ↩️ undone, each symbol with its word, the step's
 * detail and duration.
 */
export function buildChecklist(run: Run, options: ChecklistOptions = {}): ChatText {
  const header =
    `${RUN_STATUS_ICON[run.status]} *${escapeMrkdwn(run.id)}* · ${escapeMrkdwn(run.kind)} ` +
    `${escapeMrkdwn(run.target)} · *${describeStatus(run.status)}*` +
    (run.dryRun ? ' · _dry run: nothing changes_' : '');
  const lines = run.steps.map((step, i) => stepLine(step, i, options.notes?.[step.id]));
  const blocks: Block[] = [section(truncate(header, 2900))];
  // A runbook has a handful of steps, but the message must hold for any count: keep what
  // fits in the message budget ("… and N more steps"), in sections of ≤ 2900 chars.
  const kept = limitLines(lines.length > 0 ? lines : ['_no steps_'], STEPS_BUDGET, 'more steps');
  for (const chunk of chunkLines(kept, 2900).slice(0, LIMITS.blocksPerMessage - 2))
    blocks.push(section(chunk));
  blocks.push(context(`${commandCode(run)} · ${countDone(run)}/${run.steps.length} steps done`));
  return {
    text: truncate(`${run.id} ${run.kind} ${run.target}: ${describeStatus(run.status)}`, 300),
    blocks,
  };
}

function stepLine(step: StepState, index: number, note: string | undefined): string {
  // The word carries the state (read without an emoji font too); the symbol helps the eye.
  const duration = stepDuration(step);
  const state = duration ? `${STEP_WORD[step.status]}, ${duration}` : STEP_WORD[step.status];
  let line = `${STEP_ICON[step.status]} ${index + 1}. *${escapeMrkdwn(step.title)}* _(${state})_`;
  const detail = step.status === 'running' && note ? note : step.detail;
  if (detail) line += ` — ${truncate(escapeKeepingMentions(detail), DETAIL_MAX)}`;
  if (step.error && (step.status === 'failed' || step.status === 'undo-failed')) {
    line += `\n      :warning: ${truncate(escapeMrkdwn(step.error), DETAIL_MAX)}`;
  }
  return line;
}

function stepDuration(step: StepState): string | undefined {
  if (step.startedAt === undefined || step.finishedAt === undefined) return undefined;
  return formatDuration(step.finishedAt - step.startedAt);
}

function countDone(run: Run): number {
  return run.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
}
