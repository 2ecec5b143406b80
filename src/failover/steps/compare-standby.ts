/**
 * `/vpn sync-standby` plan step: read both routers and show the approver the difference. The
 * standby must run and answer SSH, and must not carry the traffic: a standby holding the
 * Elastic IP is the live router, and overwriting it with the primary's picture is a change to
 * production, not a sync (fail back first). The difference is the primary's configuration,
 * rewritten to the standby's private address, against the standby's (src/vyos).
 */
import { createHash } from 'node:crypto';
import { BadInputError, describeError, FlatnetError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import { compareStandbyConfig, showDriftLine } from '../../vyos/compare-standby-config.js';
import type { ConfigLine } from '../../vyos/types.js';
import { findStandbyPair } from '../find-standby-pair.js';
import type { ComparedFacts, SyncStandbyDeps } from '../sync-standby-steps.js';

/** Lines of the difference shown in the thread and the approval prompt. */
export const SHOWN_LINES = 40;

export interface PairReading {
  primaryLines: ConfigLine[];
  standbyLines: ConfigLine[];
}

/** Both running configurations, with a refusal that names the router that does not answer. */
export async function readPair(
  deps: SyncStandbyDeps,
  primary: string,
  standby: string,
): Promise<PairReading> {
  const read = async (name: string) => {
    try {
      return await deps.routers.router(name).runningConfig();
    } catch (err) {
      throw new FlatnetError(
        'ROUTER_UNREACHABLE',
        `${name} does not answer over SSH (${describeError(err).split('\n')[0]}): ` +
          'flatnet cannot read its configuration',
        `fix SSH to ${name} (routers.${name}.ssh in the ` +
          'inventory, its security group, sshd), then ask again',
      );
    }
  };
  const [primaryLines, standbyLines] = await Promise.all([read(primary), read(standby)]);
  return { primaryLines, standbyLines };
}

export function digestOf(shown: string[]): string {
  return createHash('sha256').update(shown.join('\n')).digest('hex');
}

export const compareStandby: StepAction<SyncStandbyDeps, ComparedFacts> = async (ctx) => {
  const { inventory, cloud } = ctx.deps;
  const pair = findStandbyPair(inventory, ctx.run.target);
  const region = pair.primaryEntry.region;
  const [primary, standby, address] = await Promise.all([
    cloud.describeInstance(region, pair.primaryEntry.instanceId),
    cloud.describeInstance(region, pair.standbyEntry.instanceId),
    cloud.describeAddress(region, pair.primaryEntry.elasticIp.allocationId),
  ]);
  for (const [name, instance] of [
    [pair.primary, primary],
    [pair.standby, standby],
  ] as const) {
    if (instance.state !== 'running')
      throw new BadInputError(
        `${name} (${instance.instanceId}) is ${instance.state}, not ` +
          'running: flatnet cannot compare or change its configuration',
        'start it (aws ec2 start-instances --instance-ids ' +
          `${instance.instanceId}), wait until it runs, then ask again`,
      );
  }
  if (address.networkInterfaceId && address.networkInterfaceId === standby.networkInterfaceId)
    throw new BadInputError(
      `${pair.standby} holds the Elastic IP ${address.publicIp}: it carries the traffic ` +
        `now, and a sync would overwrite the live router with ${pair.primary}'s configuration`,
      `fail back first (/router failback ${pair.primary}), then sync the standby`,
    );

  const reading = await readPair(ctx.deps, pair.primary, pair.standby);
  const drift = compareStandbyConfig(reading.primaryLines, reading.standbyLines, {
    primaryIp: primary.privateIp,
    standbyIp: standby.privateIp,
  });
  const all = drift.change.map(showDriftLine);
  const facts: ComparedFacts = {
    primary: pair.primary,
    standby: pair.standby,
    region,
    primaryIp: primary.privateIp,
    standbyIp: standby.privateIp,
    deletes: drift.deletes,
    sets: drift.sets,
    shown: all.slice(0, SHOWN_LINES),
    digest: digestOf(all),
  };
  // A plan step sees dryRun false (it only reads); the run says whether it is a dry run.
  if (all.length === 0 && !ctx.run.dryRun)
    throw new BadInputError(
      `${pair.standby} is in step with ${pair.primary} ` +
        `(${reading.primaryLines.length} lines compared, ${primary.privateIp} ` +
        `read as ${standby.privateIp}): there is nothing to sync`,
      '/vpn status flags a standby that drifts',
    );
  if (all.length > 0)
    await ctx.note(
      `${pair.standby} differs from ${pair.primary}:\n${facts.shown.join('\n')}` +
        `${all.length > SHOWN_LINES ? `\n… and ${all.length - SHOWN_LINES} more` : ''}`,
    );
  return {
    result: facts,
    detail:
      all.length === 0
        ? `${pair.standby} is in step with ${pair.primary}`
        : `${pair.standby} differs from ${pair.primary}: ` +
          `${drift.sets} to set, ${drift.deletes} to delete`,
  };
};
