/**
 * The final summary of a scale-up or scale-down, in the operator's words, built only from what
 * the steps read and did: the new instance, the routes it holds, the old one stopped, and the
 * inventory lines to paste.
 */
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { SCALE_STEPS } from './scale-steps.js';

export function summarizeScaleRun(run: Readonly<Run>): string {
  const facts = resultIn(run, SCALE_STEPS.loadFacts);
  if (!facts) return `${run.kind} of ${run.target} finished`;
  const verb = facts.direction === 'up' ? 'Scaled up' : 'Scaled down';
  if (run.dryRun) {
    return (
      `Dry run of ${run.kind} ${facts.router} (${facts.currentType} → ${facts.targetType}): ` +
      'EC2 accepted every call with DryRun; the config copy is shown above.'
    );
  }
  const fresh = resultIn(run, SCALE_STEPS.waitRunning);
  const copied = resultIn(run, SCALE_STEPS.copyConfig);
  const routes = resultIn(run, SCALE_STEPS.repointRoutes);
  const stop = resultIn(run, SCALE_STEPS.stopOldRouter);
  // "stopped" only when EC2 said so: a stop takes EC2 a while, and the step does not wait.
  const oldState = stop?.state === 'stopped' ? 'stopped' : 'stopping';
  const parts = [
    `${verb} ${facts.router}: ${facts.currentType} → ${facts.targetType}. ` +
      `${fresh?.instanceId ?? 'the new instance'} ` +
      `(${fresh?.privateIp ?? '?'}) holds ${facts.elasticIp.publicIp} and ` +
      `${routes?.repointed.length ?? 0} routes; ${facts.instanceId} is ` +
      `${oldState} (not terminated) and tagged flatnet:replaced-by=${run.id}.`,
  ];
  if (routes && routes.missing.length > 0)
    parts.push(
      'Routes that had vanished: ' +
        `${routes.missing.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')}.`,
    );
  if (copied && !('dryRun' in copied) && copied.hostKey)
    parts.push(
      `The new router's host key was trusted on first use and pinned ` +
        `in the router facts: ${copied.hostKey}. Check it out of band.`,
    );
  // Every process resolves its routers per run (src/live): nothing to restart, no file to edit.
  if (stop)
    parts.push(
      `Every flatnet process reaches ${facts.router} at ` +
        `${fresh?.instanceId ?? 'the new instance'} from now on; ` +
        `the inventory file may keep naming ${facts.instanceId}.`,
    );
  return parts.join(' ');
}
