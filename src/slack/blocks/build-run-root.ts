import type { Run } from '../../runbook/types.js';
import { context, section, type ChatText } from './chat-text.js';
import { RUN_STATUS_ICON, commandCode, commandLineOf, describeStatus } from './describe-run.js';
import { escapeKeepingMentions, escapeMrkdwn, mention } from './escape-mrkdwn.js';
import { truncate } from './truncate.js';

/**
 * The run's root message in the channel: who asked for what, and where it stands. The thread
 * under it holds the detail, so this stays one line the channel can scan.
 * "<@U0ALICE> asked for `/router scaleup hub-tokyo-a` — r-7k2m9q · awaiting approval"
 */
export function buildRunRoot(run: Run): ChatText {
  const icon = RUN_STATUS_ICON[run.status];
  const status = describeStatus(run.status);
  const line =
    `${icon} ${mention(run.requester)} asked for ` +
    `${commandCode(run)} — ${escapeMrkdwn(run.id)} · *${status}*`;
  const blocks = [section(truncate(line, 2900))];
  if (run.outcome && isFinal(run))
    blocks.push(context(truncate(escapeKeepingMentions(run.outcome), 2900)));
  return {
    text: truncate(`${commandLineOf(run)} — ${run.id} · ${status}`, 300),
    blocks,
  };
}

function isFinal(run: Run): boolean {
  return !['planning', 'awaiting-approval', 'running'].includes(run.status);
}
