/**
 * `/router scaleup` and `/router scaledown`: one runbook, two directions. The order is the
 * point: prepare the new router fully while the old one forwards, flip only when it is ready.
 *
 *   plan:    load-facts
 *   execute: launch → wait-running → disable-source-dest-check → copy-config
 *            → move-elastic-ip → bring-tunnels-up → repoint-routes → verify → stop-old-router
 *
 * Every step checks the world before acting, because a crash can land between an action and
 * the saving of its result; undo runs in reverse when a later step fails.
 */
import type { Json, Run, Runbook } from '../runbook/types.js';
import type { ScaleDirection } from './choose-target-type.js';
import { describeScalePlan } from './describe-scale-plan.js';
import type { ScaleDeps } from './scale-deps.js';
import type {
  CopyConfigResult,
  LoadFactsResult,
  NewInstance,
  RepointResult,
} from './scale-facts.js';
import { bringTunnelsUpStep } from './steps/bring-tunnels-up.js';
import { copyConfigStep } from './steps/copy-config.js';
import {
  disableSourceDestCheckStep,
  launchStep,
  waitRunningStep,
} from './steps/launch-instance.js';
import { loadFactsStep } from './steps/load-facts.js';
import { moveElasticIpStep } from './steps/move-elastic-ip.js';
import { repointRoutesStep } from './steps/repoint-routes.js';
import { stopOldRouterStep } from './steps/stop-old-router.js';
import { verifyStep } from './steps/verify-new-router.js';

export const SCALE_STEP_IDS = [
  'load-facts',
  'launch',
  'wait-running',
  'disable-source-dest-check',
  'copy-config',
  'move-elastic-ip',
  'bring-tunnels-up',
  'repoint-routes',
  'verify',
  'stop-old-router',
] as const;

function resultIn<T>(run: Readonly<Run>, id: string): T | undefined {
  const value: Json | undefined = run.steps.find((s) => s.id === id)?.result;
  return value !== undefined && value !== null && typeof value === 'object'
    ? (value as unknown as T)
    : undefined;
}

export function summarizeScaleRun(run: Readonly<Run>): string {
  const facts = resultIn<LoadFactsResult>(run, 'load-facts');
  if (!facts) return `${run.kind} of ${run.target} finished`;
  const verb = facts.direction === 'up' ? 'Scaled up' : 'Scaled down';
  if (run.dryRun) {
    return `Dry run of ${run.kind} ${facts.router} (${facts.currentType} → ${facts.targetType}): EC2 accepted every call with DryRun; the config copy is shown above.`;
  }
  const fresh = resultIn<NewInstance>(run, 'wait-running');
  const copied = resultIn<CopyConfigResult>(run, 'copy-config');
  const routes = resultIn<RepointResult>(run, 'repoint-routes');
  const stop = resultIn<{ state?: string }>(run, 'stop-old-router');
  // "stopped" only when EC2 said so: a stop takes EC2 a while, and the step does not wait.
  const oldState = stop?.state === 'stopped' ? 'stopped' : 'stopping';
  const parts = [
    `${verb} ${facts.router}: ${facts.currentType} → ${facts.targetType}. ${fresh?.instanceId ?? 'the new instance'} (${fresh?.privateIp ?? '?'}) holds ${facts.elasticIp.publicIp} and ${routes?.repointed.length ?? 0} routes; ${facts.instanceId} is ${oldState} (not terminated) and tagged flatnet:replaced-by=${run.id}.`,
  ];
  if (routes && routes.missing.length > 0)
    parts.push(
      `Routes that had vanished: ${routes.missing.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')}.`,
    );
  if (copied?.hostKey)
    parts.push(
      `The new router's host key was trusted on first use and pinned in the router facts: ${copied.hostKey}. Check it out of band.`,
    );
  // Every process resolves its routers per run (src/live): nothing to restart, no file to edit.
  if (stop)
    parts.push(
      `Every flatnet process reaches ${facts.router} at ${fresh?.instanceId ?? 'the new instance'} from now on; the inventory file may keep naming ${facts.instanceId}.`,
    );
  return parts.join(' ');
}

export function createScaleRunbook(direction: ScaleDirection): Runbook<ScaleDeps> {
  return {
    kind: direction === 'up' ? 'scaleup' : 'scaledown',
    steps: [
      loadFactsStep(direction),
      launchStep,
      waitRunningStep,
      disableSourceDestCheckStep,
      copyConfigStep,
      moveElasticIpStep,
      bringTunnelsUpStep,
      repointRoutesStep,
      verifyStep,
      stopOldRouterStep,
    ],
    lockTarget: (run) => run.target,
    describePlan(run) {
      const facts = resultIn<LoadFactsResult>(run, 'load-facts');
      return facts
        ? describeScalePlan(facts, run.dryRun)
        : [`${run.kind} ${run.target}: the facts could not be read`];
    },
    summarize: summarizeScaleRun,
  };
}
