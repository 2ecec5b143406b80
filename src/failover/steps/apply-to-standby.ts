/**
 * `/vpn sync-standby` execute steps: apply the approved difference on the standby with
 * commit-confirm (verified before `confirm`: the standby, read on the same session, now matches
 * the primary), then check the pair once more. The plan is read again first: a difference
 * that is not the one approved is refused, not applied. The undo applies the reverse
 * difference, except lines that carry a secret: flatnet keeps none to put back, and the
 * primary's key is the one the far side uses, so those stay (and the outcome says so).
 */
import { BadInputError, FlatnetError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import {
  carriesSecret,
  compareStandbyConfig,
  diffConfig,
  showDriftLine,
} from '../../vyos/compare-standby-config.js';
import { rewritePrivateAddress } from '../../vyos/rewrite-private-address.js';
import {
  SYNC_STANDBY_STEPS as S,
  type AppliedToStandby,
  type ComparedFacts,
  type SyncStandbyDeps,
} from '../sync-standby-steps.js';
import { digestOf, readPair, SHOWN_LINES } from './compare-standby.js';

const DEFAULT_CONFIRM_MINUTES = 5;

const addressesOf = (facts: ComparedFacts) => ({
  primaryIp: facts.primaryIp,
  standbyIp: facts.standbyIp,
});

export const applyToStandby: StepAction<SyncStandbyDeps, AppliedToStandby> = async (ctx) => {
  const facts = ctx.result(S.compare);
  const reading = await readPair(ctx.deps, facts.primary, facts.standby);
  const drift = compareStandbyConfig(
    reading.primaryLines,
    reading.standbyLines,
    addressesOf(facts),
  );
  const all = drift.change.map(showDriftLine);
  // Resumed after a crash that followed the commit: nothing is left to change. (Its undo
  // lines were not saved; the detail says so rather than pretending an undo exists.)
  if (all.length === 0)
    return {
      result: { committed: false, undo: [], secretsKept: [] },
      detail: `${facts.standby} is already in step with ${facts.primary}; nothing to undo`,
    };
  if (digestOf(all) !== facts.digest)
    throw new BadInputError(
      `${facts.primary} or ${facts.standby} changed since the plan was made: ` +
        `the difference is now ${drift.sets} to set and ${drift.deletes} to ` +
        `delete, not the one approved (${facts.sets} and ${facts.deletes})`,
      `ask again to see the new difference: /vpn sync-standby ${facts.primary}`,
    );
  const standby = ctx.deps.routers.router(facts.standby);
  if (ctx.dryRun) {
    const preview = await standby.applyConfig(drift.change, { dryRun: true });
    const compare = preview.compare.split('\n').slice(0, SHOWN_LINES).join('\n');
    await ctx.note(`compare on ${facts.standby} (nothing committed):\n${compare}`);
    return {
      detail:
        `would set ${drift.sets} and delete ${drift.deletes} lines ` +
        `on ${facts.standby}; compare shown, nothing committed`,
    };
  }

  const wanted = rewritePrivateAddress(reading.primaryLines, {
    from: facts.primaryIp,
    to: facts.standbyIp,
  }).lines;
  const reverse = diffConfig(reading.standbyLines, wanted).change;
  const undo = reverse.filter((l) => !carriesSecret(l));
  const secretsKept = [...new Set(reverse.filter(carriesSecret).map((l) => l.path.join(' ')))];

  await ctx.assertStillOwner();
  const applied = await standby.applyConfig(drift.change, {
    confirmMinutes: ctx.deps.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
    async verify(client) {
      const left = compareStandbyConfig(
        reading.primaryLines,
        await client.runningConfig(),
        addressesOf(facts),
      ).change;
      if (left.length > 0)
        throw new Error(
          `${left.length} lines still differ after the commit: ` +
            `${left.slice(0, 3).map(showDriftLine).join('; ')}`,
        );
    },
    save: true,
  });
  return {
    result: { committed: applied.committed, undo, secretsKept },
    detail:
      `${drift.sets} set and ${drift.deletes} deleted on ${facts.standby}: ` +
      'committed with commit-confirm, verified, confirmed and saved',
  };
};

export const undoApplyToStandby: StepAction<SyncStandbyDeps> = async (ctx) => {
  const done = ctx.resultIfAny(S.apply);
  if (!done) return;
  const facts = ctx.result(S.compare);
  if (done.undo.length > 0)
    await ctx.deps.routers.router(facts.standby).applyConfig(done.undo, {
      confirmMinutes: ctx.deps.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
      save: true,
    });
  return {
    detail: `${done.undo.length} lines put back on ${facts.standby}`,
    ...(done.secretsKept.length > 0
      ? {
          kept:
            `${facts.primary}'s secrets on ${facts.standby} (${done.secretsKept.join(', ')}): ` +
            'flatnet keeps no secret to put the old ones back',
        }
      : {}),
  };
};

export const verifyStandby: StepAction<SyncStandbyDeps> = async (ctx) => {
  const facts = ctx.result(S.compare);
  if (ctx.dryRun) return { detail: 'dry run: nothing to verify' };
  const reading = await readPair(ctx.deps, facts.primary, facts.standby);
  const left = compareStandbyConfig(
    reading.primaryLines,
    reading.standbyLines,
    addressesOf(facts),
  ).change;
  if (left.length > 0)
    throw new FlatnetError(
      'ROUTER_COMMAND',
      `${facts.standby} still differs from ${facts.primary} after the sync: ` +
        `${left.length} lines (${left.slice(0, 3).map(showDriftLine).join('; ')})`,
      `check both routers' configuration (show configuration ` +
        `commands), then ask again: /vpn sync-standby ${facts.primary}`,
    );
  return {
    detail:
      `${facts.standby} matches ${facts.primary} ` +
      `(${reading.primaryLines.length} lines compared)`,
  };
};
