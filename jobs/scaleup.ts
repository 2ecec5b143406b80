/**
 * `/router scaleup` and `/router scaledown`: one runbook, two directions. The order is the
 * point: prepare the new router fully while the old one forwards, flip only when it is ready,
 * so the outage is the Elastic IP move plus tunnel re-establishment (the original scale-up
 * repointed the routes first and black-holed traffic for the whole boot).
 *
 * Every step checks the world before acting, because a crash can land between an action and
 * the saving of its result; when a later step fails, the engine runs the undos in reverse.
 * Step code: src/scaleup/steps (the new instance), src/cutover (the flip, shared with failover).
 */
import { bringTunnelsUp } from '../src/cutover/bring-tunnels-up.js';
import { moveElasticIp, moveElasticIpBack } from '../src/cutover/move-elastic-ip.js';
import { repointRoutes, repointRoutesBack } from '../src/cutover/repoint-routes.js';
import { verifyCutover } from '../src/cutover/verify-cutover.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';
import type { ScaleDirection } from '../src/scaleup/choose-target-type.js';
import { describeScalePlan } from '../src/scaleup/describe-scale-plan.js';
import type { ScaleDeps } from '../src/scaleup/scale-deps.js';
import { scalePlanner } from '../src/scaleup/scale-planner.js';
import { SCALE_STEPS as S } from '../src/scaleup/scale-steps.js';
import { copyConfig } from '../src/scaleup/steps/copy-config.js';
import {
  disableSourceDestCheck,
  launchInstance,
  stopLaunchedInstance,
  waitUntilRunning,
} from '../src/scaleup/steps/launch-instance.js';
import { loadFacts } from '../src/scaleup/steps/load-facts.js';
import { moveInterfaces, moveInterfacesBack } from '../src/scaleup/steps/move-interfaces.js';
import { scaleCutover } from '../src/scaleup/steps/scale-cutover.js';
import { stopOldRouter } from '../src/scaleup/steps/stop-old-router.js';
import { summarizeScaleRun } from '../src/scaleup/summarize-scale-run.js';

export function createScaleRunbook(direction: ScaleDirection): Runbook<ScaleDeps> {
  const to = 'the new router';
  return {
    kind: direction === 'up' ? 'scaleup' : 'scaledown',
    steps: [
      // Plan: read only, before approval; refuses what cannot work before anyone is asked.
      defineStep(S.loadFacts, {
        title: 'Read the router, its load, the Elastic IP, the routes and the base AMI',
        phase: 'plan',
        run: loadFacts(direction),
      }),
      // Prepare the new router while the old one still forwards.
      defineStep(S.launch, {
        title: 'Launch the new instance',
        run: launchInstance,
        undo: stopLaunchedInstance,
      }),
      defineStep(S.waitRunning, {
        title: 'Wait until the new instance runs',
        run: waitUntilRunning,
      }),
      defineStep(S.disableSourceDestCheck, {
        title: 'Disable source/dest check on the new instance',
        run: disableSourceDestCheck,
      }),
      defineStep(S.copyConfig, {
        title: 'Copy the running configuration to the new router',
        run: copyConfig,
      }),
      // The cutover: the outage starts with the Elastic IP move and ends when the tunnels are up.
      defineStep(S.moveElasticIp, {
        title: `Move the Elastic IP to ${to}`,
        run: moveElasticIp(scaleCutover),
        undo: moveElasticIpBack(scaleCutover),
      }),
      // In the same moment: every route in one EC2 round, and the re-keying of the tunnels.
      defineStep(S.repointRoutes, {
        title: `Repoint the VPC routes to ${to} and re-key its tunnels`,
        run: repointRoutes(scaleCutover),
        undo: repointRoutesBack(scaleCutover),
      }),
      defineStep(S.bringTunnelsUp, {
        title: `Wait for the tunnels on ${to}`,
        run: bringTunnelsUp(scaleCutover),
      }),
      // A leg into a second VPC (an extra interface) moves too; its routes follow it.
      defineStep(S.moveInterfaces, {
        title: `Move the extra interfaces to ${to}`,
        run: moveInterfaces,
        undo: moveInterfacesBack,
      }),
      defineStep(S.verify, {
        title: `Verify ${to} carries the traffic`,
        run: verifyCutover(scaleCutover),
        // Verified, the new router carries the traffic: if only the stop below fails, moving
        // everything back would be a second outage for nothing. Stop and report instead.
        onLaterFailure: 'stop',
      }),
      defineStep(S.stopOldRouter, { title: 'Stop the old instance', run: stopOldRouter }),
    ],
    lockTarget: (run) => run.target,
    describePlan(run) {
      const facts = resultIn(run, S.loadFacts);
      return facts
        ? describeScalePlan(facts, run.dryRun)
        : [`${run.kind} ${run.target}: the facts could not be read`];
    },
    summarize: summarizeScaleRun,
  };
}

export const scaleupRunbook = createScaleRunbook('up');
export const scaledownRunbook = createScaleRunbook('down');
export const scaleupPlanner = scalePlanner('up');
export const scaledownPlanner = scalePlanner('down');
