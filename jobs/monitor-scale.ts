/**
 * The round's half of load → scale proposals (src/monitor/decide-scale.ts decides): find the
 * router's rung on its ladder, submit the proposal as an ordinary scaleup/scaledown run asked
 * by `flatnet-monitor` with the policy's approvers (the plan is posted with Approve buttons,
 * as for `/router scaleup`), and forget the proposal once its run has ended.
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { describeError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { decideScale } from '../src/monitor/decide-scale.js';
import type { MonitorStore } from '../src/monitor/monitor-store.js';
import type { RouterProbe, RouterWatch } from '../src/monitor/monitor-types.js';
import { submitUnderClaim, type RunClaim } from '../src/monitor/submit-under-claim.js';
import type { RunSubmitter } from '../src/runbook/run-request.js';
import { FINAL_STATUSES, type Run } from '../src/runbook/types.js';
import { MONITOR_REQUESTER, policyApproval } from './monitor-approval.js';

export interface ScaleRoundDeps {
  engine: RunSubmitter & { get(runId: string): Promise<Run | undefined> };
  store: Pick<MonitorStore, 'claimScale' | 'recordScaleRun' | 'releaseScale'>;
  logger: Logger;
}

export async function scaleStep(
  deps: ScaleRoundDeps,
  input: {
    inventory: Inventory;
    name: string;
    watch: RouterWatch;
    probe: RouterProbe;
    now: number;
    paused: boolean;
    /** The instance type EC2 reports now (null/undefined: not read). */
    type: string | null | undefined;
  },
): Promise<{ watch: RouterWatch; proposed?: string }> {
  const { inventory, name, probe, now } = input;
  const entry = inventory.routers[name]!;
  const watch = await forgetEndedProposal(deps, input.watch);
  const index = input.type ? entry.ladder.indexOf(input.type) : -1;
  const decision = decideScale({
    watch,
    probe,
    settings: inventory.monitor,
    now,
    eligible: entry.role !== 'standby' && entry.elasticIp !== undefined && !input.paused,
    ...(index >= 0 ? { rung: { index, count: entry.ladder.length } } : {}),
  });
  if (!decision.propose) return { watch: decision.watch };
  const kind = decision.propose === 'up' ? 'scaleup' : 'scaledown';
  const settings = inventory.monitor;
  // Claimed for the cooldown (at least two rounds), under the run id before the submit
  // (src/monitor/submit-under-claim.ts): a round re-run after its worker died adopts the
  // proposal it recorded, or submits the same run id when it died before recording it.
  const claimMs = Math.max(settings.scaleCooldownMinutes * 60_000, settings.intervalSeconds * 2000);
  const claim: RunClaim = {
    take: (runId) => deps.store.claimScale(name, runId, claimMs),
    record: (runId) => deps.store.recordScaleRun(name, runId, claimMs),
    release: () => deps.store.releaseScale(name),
  };
  try {
    const asked = await submitUnderClaim(claim, (runId) =>
      deps.engine.submit({
        kind,
        target: name,
        params: {},
        requester: MONITOR_REQUESTER,
        origin: { kind: 'slack', channel: inventory.slack.channel },
        dryRun: false,
        approval: policyApproval(inventory, kind),
        runId,
      }),
    );
    const { direction, at } = decision.watch.scale!;
    if (!('submitted' in asked)) {
      const adopted = 'adopted' in asked ? asked.adopted : undefined;
      deps.logger.info(
        { router: name, kind, run: adopted ?? 'submitting' },
        'monitor: a scale proposal was already asked for this router; not asking twice',
      );
      return {
        watch: {
          ...decision.watch,
          scale: { direction, at, ...(adopted ? { runId: adopted } : {}) },
        },
      };
    }
    const run = asked.submitted;
    return {
      watch: { ...decision.watch, scale: { direction, at, runId: run.id } },
      proposed: `${kind} ${name} (${run.id})`,
    };
  } catch (err) {
    // The cooldown still holds: a proposal that cannot be submitted is not retried every round.
    deps.logger.warn(
      { err: describeError(err), router: name, kind },
      'monitor: could not submit the scale proposal',
    );
    const { scale: _dropped, ...rest } = decision.watch;
    return { watch: rest };
  }
}

/** A proposal whose run was approved and ran, was rejected or expired: no longer in flight. */
async function forgetEndedProposal(deps: ScaleRoundDeps, watch: RouterWatch): Promise<RouterWatch> {
  if (!watch.scale) return watch;
  const run = watch.scale.runId ? await deps.engine.get(watch.scale.runId) : undefined;
  if (run && !FINAL_STATUSES.includes(run.status)) return watch;
  const { scale: _ended, ...rest } = watch;
  return rest;
}
