import type { Decision, Run } from '../../runbook/types.js';
import type { Block } from '../chat-port.js';
import { context, section, type ChatText } from './chat-text.js';
import { commandCode, commandLineOf } from './describe-run.js';
import { escapeMrkdwn, mention } from './escape-mrkdwn.js';
import { formatClock, formatDuration } from '../../util/format-time.js';
import { limitLines, truncate } from './truncate.js';

export const APPROVE_ACTION_ID = 'run_approve';
export const REJECT_ACTION_ID = 'run_reject';

/**
 * The approval prompt: the concrete plan (the approver approves that, not a command line),
 * who may approve, when it expires, and the buttons. Once the run is decided or expired the
 * buttons go and a context line says who decided and when, so nobody clicks a stale prompt.
 */
export function buildApprovalPrompt(run: Run, now: number): ChatText {
  const state = approvalState(run, now);
  const blocks: Block[] = [
    section(
      truncate(
        `:raised_hand: *Approval needed* for ${commandCode(run)} ` +
          `(${escapeMrkdwn(run.id)}), asked by ${mention(run.requester)}` +
          (run.dryRun ? ' · _dry run_' : ''),
        2900,
      ),
    ),
  ];
  const plan = (run.plan ?? []).map((line) => `• ${escapeMrkdwn(line)}`);
  blocks.push(
    section(
      limitLines(
        plan.length > 0 ? plan : ['_the runbook gave no plan_'],
        2800,
        'more plan lines',
      ).join('\n'),
    ),
  );
  blocks.push(context(truncate(whoMayApprove(run), 2900)));
  if (state.open) {
    blocks.push({
      type: 'actions',
      block_id: `approval:${run.id}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION_ID,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value: run.id,
        },
        {
          type: 'button',
          action_id: REJECT_ACTION_ID,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value: run.id,
        },
      ],
    });
  }
  blocks.push(context(truncate(state.line, 2900)));
  return {
    text: truncate(`Approval needed for ${commandLineOf(run)} (${run.id}): ${state.plain}`, 300),
    blocks,
  };
}

interface ApprovalState {
  open: boolean;
  /** mrkdwn line under the prompt. */
  line: string;
  plain: string;
}

export function approvalState(run: Run, now: number): ApprovalState {
  const expiresAt = run.approval?.expiresAt;
  const rejection = run.decisions.find((d) => d.decision === 'rejected');
  const approvals = distinctApprovals(run.decisions);
  if (rejection)
    return closed(
      `:no_entry_sign: Rejected by ${mention(rejection.user)} at ${formatClock(rejection.at)}`,
      'rejected',
    );
  if (
    run.status === 'expired' ||
    (run.status === 'awaiting-approval' && expiresAt !== undefined && now >= expiresAt)
  ) {
    const at = expiresAt ?? run.updatedAt;
    return closed(`:alarm_clock: Expired at ${formatClock(at)} — ask again`, 'expired');
  }
  if (run.status === 'awaiting-approval') {
    const needed = run.approval?.distinctApprovers ?? 1;
    const so_far =
      approvals.length > 0 ? `${approvedBy(approvals)} (${approvals.length} of ${needed}) · ` : '';
    const expiry =
      expiresAt !== undefined
        ? `expires at ${formatClock(expiresAt)} (in ${formatDuration(expiresAt - now)})`
        : 'no expiry';
    return {
      open: true,
      line: `:hourglass_flowing_sand: ${so_far}Waiting for approval · ${expiry}`,
      plain: 'waiting',
    };
  }
  if (run.status === 'cancelled')
    return closed(':heavy_minus_sign: Cancelled — no longer waiting for approval', 'cancelled');
  if (approvals.length > 0)
    return closed(`:white_check_mark: ${approvedBy(approvals)}`, 'approved');
  return closed(`No longer waiting for approval (run is ${escapeMrkdwn(run.status)})`, run.status);
}

function closed(line: string, plain: string): ApprovalState {
  return { open: false, line, plain };
}

/** "Approved by <@U0BOB> at 14:05 UTC and <@U0CAROL> at 14:06 UTC". */
function approvedBy(approvals: Decision[]): string {
  return (
    'Approved by ' +
    approvals.map((d) => `${mention(d.user)} at ${formatClock(d.at)}`).join(' and ')
  );
}

function distinctApprovals(decisions: Decision[]): Decision[] {
  const seen = new Set<string>();
  return decisions.filter(
    (d) => d.decision === 'approved' && !seen.has(d.user) && seen.add(d.user),
  );
}

function whoMayApprove(run: Run): string {
  const policy = run.approval;
  if (!policy) return 'Who may approve: _no approval policy recorded_';
  const shown = policy.approvers.slice(0, 20).map(mention).join(', ');
  const more = policy.approvers.length > 20 ? ` … and ${policy.approvers.length - 20} more` : '';
  const count =
    policy.distinctApprovers > 1 ? ` · needs ${policy.distinctApprovers} different approvers` : '';
  const self = policy.allowSelfApproval
    ? ''
    : ` · ${mention(run.requester)} cannot approve their own run`;
  return `Who may approve: ${shown || '_nobody listed_'}${more}${count}${self}`;
}
