/** The remove-peer plan shown to the approver and the final summary. */
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { standbyWarning } from './reach-standby.js';
import { REMOVE_PEER_STEPS as S, routerOf } from './remove-peer-steps.js';
import { defaultRolePlanLine, defaultRoleWarning } from '../policy/describe-default-role.js';

export const describeRemovePeerPlan = (run: Readonly<Run>): string[] => [
  `Remove ${run.steps[0]?.detail ?? run.target}`,
  'Apply with commit-confirm, verify it is gone, confirm, save, on the router and on its ' +
    'standby; return its address to the pool',
  ...defaultRolePlanLine(resultIn(run, S.planDefaultRole), 'leave'),
];

export function summarizeRemovePeer(run: Readonly<Run>): string {
  const detailOf = (id: string) => run.steps.find((s) => s.id === id)?.detail ?? '';
  if (run.dryRun)
    return `${run.target} would be removed from ${routerOf(run)}:\n${detailOf(S.remove.id)}`;
  const standby = resultIn(run, S.removeStandby);
  const also = standby?.applied ? ` and its standby ${standby.standby ?? '?'}` : '';
  const warning = standbyWarning(
    standby,
    `a failover would bring ${run.target} back`,
    `run \`/vpn remove-peer ${run.target}\` again once ${standby?.standby ?? 'the standby'} runs`,
  );
  return (
    `${run.target} removed from ${routerOf(run)}${also}; ${detailOf(S.free.id)}.` +
    (warning ? ` ${warning}` : '') +
    defaultRoleWarning(resultIn(run, S.planDefaultRole), resultIn(run, S.leaveDefaultRole), 'leave')
  );
}
