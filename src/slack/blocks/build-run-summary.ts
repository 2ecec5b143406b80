import type { Json, Run } from '../../runbook/types.js';
import { codeBlocks } from './code-blocks.js';
import type { Block } from '../chat-port.js';
import { context, section, type ChatText } from './chat-text.js';
import { RUN_STATUS_ICON, commandCode, commandLineOf, describeStatus } from './describe-run.js';
import { escapeKeepingMentions, escapeMrkdwn, mention } from './escape-mrkdwn.js';
import { formatClock, formatDuration } from '../../util/format-time.js';
import { truncate } from './truncate.js';

/**
 * The final word of a run, posted in its thread: status, outcome, how long it took (and how
 * long it ran after approval, the part that touched the network), and who approved it.
 */
export function buildRunSummary(run: Run): ChatText {
  const status = describeStatus(run.status);
  const outcome = run.outcome ?? defaultOutcome(run);
  const blocks: Block[] = [
    section(
      truncate(
        `${RUN_STATUS_ICON[run.status]} *${capitalize(status)}* — ` +
          escapeKeepingMentions(outcome),
        2900,
      ),
    ),
  ];
  if (run.error && run.status !== 'succeeded')
    blocks.push(section(truncate(`:warning: ${escapeMrkdwn(run.error)}`, 2900)));
  // Lines for the inventory file (a scale-up's new instance) go in a code block, to copy whole.
  const inventoryLines = run.steps.flatMap((s) => inventoryLinesOf(s.result));
  if (run.status === 'succeeded' && inventoryLines.length > 0)
    blocks.push(
      section('To write it into the inventory file as well, these are its lines:'),
      ...codeBlocks(inventoryLines.join('\n')),
    );
  const facts = [
    `${escapeMrkdwn(run.id)} · ${commandCode(run)}`,
    `took ${formatDuration(run.updatedAt - run.createdAt)}`,
  ];
  const approvals = run.decisions.filter((d) => d.decision === 'approved');
  const lastApproval = approvals.at(-1);
  if (lastApproval) {
    facts.push(`ran ${formatDuration(run.updatedAt - lastApproval.at)} after approval`);
    facts.push(
      'approved by ' +
        approvals.map((d) => `${mention(d.user)} at ${formatClock(d.at)}`).join(', '),
    );
  }
  const rejection = run.decisions.find((d) => d.decision === 'rejected');
  if (rejection)
    facts.push(`rejected by ${mention(rejection.user)} at ${formatClock(rejection.at)}`);
  if (run.dryRun) facts.push('dry run: nothing changed');
  blocks.push(context(truncate(facts.join(' · '), 2900)));
  return { text: truncate(`${commandLineOf(run)} (${run.id}) ${status}: ${outcome}`, 300), blocks };
}

/** A step that leaves lines for the inventory file saves them as `inventoryLines`. */
function inventoryLinesOf(result: Json | undefined): string[] {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return [];
  const lines = result.inventoryLines;
  return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : [];
}

function defaultOutcome(run: Run): string {
  const done = run.steps.filter((s) => s.status === 'done').length;
  const failed = run.steps.find((s) => s.status === 'failed');
  if (failed) return `step "${failed.title}" failed after ${done} of ${run.steps.length} steps`;
  return `${done} of ${run.steps.length} steps done`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
