import type { DecideVerdict } from './approval-scripts.js';
import { formatClock, formatDuration } from '../util/format-time.js';
import { listWords } from './describe-run.js';
import type { Run } from './types.js';

/** Why a click did not count, in words the person who clicked can act on. */
export function describeRefusal(
  run: Run,
  verdict: DecideVerdict,
  describeCommand: (run: Run) => string,
): string {
  switch (verdict.code) {
    case 'self':
      return `you asked for run ${run.id}; another approver must approve it`;
    case 'not-approver': {
      const label = run.approval?.approversLabel;
      const who = listWords((run.approval?.approvers ?? []).map((u) => `<@${u}>`));
      const may = label
        ? `only members of ${label}${who ? ` (${who})` : ''} may approve ${run.kind} runs`
        : who
          ? `${who} may approve it`
          : '';
      return `you are not an approver of run ${run.id}${may ? `; ${may}` : ''}`;
    }
    case 'already-counted':
      return (
        `you already ${verdict.decision} run ${run.id} at ${formatClock(verdict.at)}; ` +
        (verdict.decision === 'approved' ? 'another approver is needed' : 'nothing more to do')
      );
    case 'not-waiting':
      return describeClosed(run, describeCommand);
    case 'expired':
      return describeClosed(run, describeCommand);
    default:
      return `run ${run.id} cannot take that decision (${verdict.code})`;
  }
}

function describeClosed(run: Run, describeCommand: (run: Run) => string): string {
  const approvals = run.decisions.filter((d) => d.decision === 'approved');
  const rejection = run.decisions.find((d) => d.decision === 'rejected');
  if (run.status === 'expired') {
    const expiresAt = run.approval?.expiresAt ?? run.updatedAt;
    return (
      `run ${run.id} expired at ${formatClock(expiresAt)} ` +
      `(${formatDuration(expiresAt - run.createdAt, 'whole')}); ` +
      `ask again with \`${describeCommand(run)}\``
    );
  }
  if (run.status === 'rejected' && rejection)
    return (
      `run ${run.id} was already rejected by ` +
      `<@${rejection.user}> at ${formatClock(rejection.at)}`
    );
  if (run.status === 'planning')
    return (
      `run ${run.id} is still being planned; the ` +
      'approval prompt appears once the plan is ready'
    );
  if (run.status === 'cancelled')
    return `run ${run.id} was cancelled; ask again with \`${describeCommand(run)}\``;
  const last = approvals.at(-1);
  if (last)
    return (
      `run ${run.id} was already approved by ` +
      `${listWords(approvals.map((d) => `<@${d.user}>`))} at ${formatClock(last.at)}`
    );
  return `run ${run.id} is ${run.status} and needs no approval`;
}
