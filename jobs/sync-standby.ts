/**
 * `/vpn sync-standby [router] [--dry-run]`: bring the warm standby back in step with its
 * primary, so that a failover keeps every tunnel. The approver sees the difference (secrets
 * masked) before anything changes; the standby takes it with commit-confirm, verified before
 * `confirm`, and the pair is compared once more at the end. A failure after the commit puts
 * the standby's previous lines back (except secrets: flatnet keeps none).
 */
import { compareStandby } from '../src/failover/steps/compare-standby.js';
import {
  applyToStandby,
  undoApplyToStandby,
  verifyStandby,
} from '../src/failover/steps/apply-to-standby.js';
import {
  SYNC_STANDBY_STEPS as S,
  type SyncStandbyDeps,
} from '../src/failover/sync-standby-steps.js';
import { syncStandbyPlanner } from '../src/failover/sync-standby-planner.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Run, Runbook } from '../src/runbook/types.js';

export function createSyncStandbyRunbook(): Runbook<SyncStandbyDeps> {
  return {
    kind: 'sync-standby',
    steps: [
      // Plan: both routers read, the difference shown; refused when the standby is live.
      defineStep(S.compare, {
        title: "Compare the standby's configuration with the primary's",
        phase: 'plan',
        run: compareStandby,
      }),
      defineStep(S.apply, {
        title: 'Apply the difference on the standby (commit-confirm, verify, confirm, save)',
        run: applyToStandby,
        undo: undoApplyToStandby,
      }),
      defineStep(S.verify, {
        title: 'Check the standby matches the primary',
        run: verifyStandby,
      }),
    ],
    // The pair's lock: the primary's name, as failover, failback and scale-up take it.
    lockTarget: (run) => run.target,
    describePlan: describeSyncPlan,
    summarize: summarizeSync,
  };
}

function describeSyncPlan(run: Readonly<Run>): string[] {
  const facts = resultIn(run, S.compare);
  if (!facts) return [`sync-standby ${run.target}: the configurations could not be read`];
  const more = facts.sets + facts.deletes - facts.shown.length;
  return [
    `Bring ${facts.standby} in step with ${facts.primary} ` +
      `(${facts.region}): ${facts.sets} lines to set, ${facts.deletes} ` +
      `to delete, ${facts.primaryIp} written as ${facts.standbyIp}`,
    ...facts.shown,
    ...(more > 0 ? [`… and ${more} more`] : []),
    `Applied on ${facts.standby} only, with commit-confirm: it ` +
      'rolls back by itself unless flatnet confirms after checking ' +
      `it matches ${facts.primary}. ${facts.primary} is not touched.`,
    ...(run.dryRun ? ['Dry run: the lines are compared on the standby and discarded.'] : []),
  ];
}

function summarizeSync(run: Readonly<Run>): string {
  const facts = resultIn(run, S.compare);
  if (!facts) return `sync-standby of ${run.target} finished`;
  if (run.dryRun)
    return facts.sets + facts.deletes === 0
      ? `Dry run: ${facts.standby} is in step with ${facts.primary}; nothing would change.`
      : `Dry run: ${facts.standby} would take ${facts.sets} set and ` +
          `${facts.deletes} delete lines from ${facts.primary}. Nothing was changed.`;
  return (
    `${facts.standby} is in step with ${facts.primary} again: ${facts.sets} lines ` +
    `set, ${facts.deletes} deleted, committed with commit-confirm, verified and saved.`
  );
}

export const syncStandbyRunbook = createSyncStandbyRunbook();
export { syncStandbyPlanner };
