import { rebuildCommandLine } from '../../grammar/rebuild-command-line.js';
import type { Run, RunStatus, StepStatus } from '../../runbook/types.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';

/** The emoji a run's status wears, everywhere it is shown. */
export const RUN_STATUS_ICON: Record<RunStatus, string> = {
  planning: ':hourglass_flowing_sand:',
  'awaiting-approval': ':raised_hand:',
  running: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  rejected: ':no_entry_sign:',
  expired: ':alarm_clock:',
  'rolled-back': ':leftwards_arrow_with_hook:',
  cancelled: ':heavy_minus_sign:',
};

/** Status in words, as an operator says it ("awaiting approval", not "awaiting-approval"). */
export function describeStatus(status: RunStatus): string {
  return status === 'rolled-back' ? 'rolled back' : status.replace(/-/g, ' ');
}

export const STEP_ICON: Record<StepStatus, string> = {
  done: ':white_check_mark:',
  running: ':hourglass_flowing_sand:',
  pending: ':white_circle:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
  undone: ':leftwards_arrow_with_hook:',
  'undo-failed': ':bangbang:',
};

/** Each step state in words, shown beside its symbol. */
export const STEP_WORD: Record<StepStatus, string> = {
  done: 'done',
  running: 'running',
  pending: 'pending',
  failed: 'failed',
  skipped: 'skipped',
  undone: 'undone',
  'undo-failed': 'undo failed',
};

type ShownRun = Pick<Run, 'kind' | 'target' | 'params' | 'dryRun'> & Partial<Pick<Run, 'status'>>;

/**
 * The command line a person would have typed for this run, rebuilt from the record (not the
 * raw text: that may have held a key). The same rebuild as "ask again with …", so it parses.
 * While the run is planning, a given WireGuard key is not shown: a router that did not answer
 * when the command arrived is compared in the plan step, and the key may yet turn out to be a
 * private key pasted by mistake (refused, and dropped from the record).
 */
export function commandLineOf(run: ShownRun): string {
  if (run.status === 'planning' && typeof run.params.pubkey === 'string')
    return rebuildCommandLine({ ...run, params: { ...run.params, pubkey: '(being checked)' } });
  return rebuildCommandLine(run);
}

/** The command as inline code, safe for mrkdwn. */
export function commandCode(run: ShownRun): string {
  return '`' + escapeMrkdwn(commandLineOf(run)).replace(/`/g, 'ˋ') + '`';
}
