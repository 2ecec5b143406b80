/**
 * Apply the approved policy router by router, each with commit-confirm, verified on the same
 * session before `confirm` (its flatnet-owned firewall and qos are now exactly the plan's). All
 * or nothing: a router that refuses its commit (VyOS's verify, a clash with the operator's own
 * firewall) or fails its check rolls back by itself, and the routers already changed are put
 * back as they were, last first, before the step fails — every router is left as it was.
 */
import { FlatnetError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import { renderConfigLine } from '../../vyos/config-line.js';
import type { ConfigLine } from '../../vyos/types.js';
import { diffTrafficPolicy, ownedUnit } from '../diff-traffic-policy.js';
import { POLICY_APPLY_STEPS as S, type PolicyDeps, type PolicyPlanFacts } from '../policy-steps.js';

const DEFAULT_CONFIRM_MINUTES = 5;

type RouterPlan = PolicyPlanFacts['routers'][number];

/** What the router should own once the plan is applied: its plan's lines played on `before`. */
function wantedAfter(plan: RouterPlan): ConfigLine[] {
  const deleted = plan.changes.filter((l) => l.op === 'delete');
  const kept = plan.before.filter(
    (b) =>
      !deleted.some(
        (d) =>
          d.path.every((w, i) => b.path[i] === w) &&
          (d.value === undefined || (d.path.length === b.path.length && d.value === b.value)),
      ),
  );
  return [...kept, ...plan.changes.filter((l) => l.op === 'set')];
}

const owned = (lines: ConfigLine[]) => lines.filter((l) => l.op === 'set' && ownedUnit(l));

async function putBack(deps: PolicyDeps, plan: RouterPlan): Promise<number> {
  const router = deps.routers.router(plan.router);
  const change = diffTrafficPolicy(await router.runningConfig(), plan.before);
  if (change.length > 0)
    await router.applyConfig(change, {
      confirmMinutes: deps.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
      save: true,
    });
  return change.length;
}

export const applyPolicy: StepAction<PolicyDeps, { routers: string[] }> = async (ctx) => {
  const plan = ctx.result(S.plan);
  const changing = plan.routers.filter((r) => r.changes.length > 0);
  if (ctx.dryRun) {
    for (const r of changing) {
      const preview = await ctx.deps.routers.router(r.router).applyConfig(r.changes, {
        dryRun: true,
      });
      await ctx.note(`compare on ${r.router} (nothing committed):\n${preview.compare}`);
    }
    return { detail: `${changing.length} routers compared; nothing committed` };
  }
  const done: RouterPlan[] = [];
  for (const r of changing) {
    const router = ctx.deps.routers.router(r.router);
    const want = wantedAfter(r);
    try {
      // The router as planned, or already as wanted (a resumed run): anything else changed
      // under the plan and is not what was approved.
      const now = owned(await router.runningConfig());
      if (diffTrafficPolicy(now, want).length === 0) {
        done.push(r);
        continue;
      }
      if (diffTrafficPolicy(now, r.before).length > 0)
        throw new FlatnetError(
          'BAD_INPUT',
          `${r.router}'s firewall or qos changed since the plan was made`,
          'ask again to see the new difference: /vpn policy diff',
        );
      await ctx.assertStillOwner();
      await router.applyConfig(r.changes, {
        confirmMinutes: ctx.deps.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
        async verify(client) {
          const left = diffTrafficPolicy(owned(await client.runningConfig()), want);
          if (left.length > 0)
            throw new Error(
              `${left.length} lines differ from the plan after the commit: ` +
                left.slice(0, 3).map(renderConfigLine).join('; '),
            );
        },
        save: true,
      });
      done.push(r);
    } catch (err) {
      const putBackOn: string[] = [];
      for (const prior of [...done].reverse()) {
        await putBack(ctx.deps, prior);
        putBackOn.push(prior.router);
      }
      const message = err instanceof Error ? err.message : String(err);
      throw new FlatnetError(
        'ROUTER_COMMAND',
        `the policy was not applied: ${r.router} failed (${message}); ` +
          (putBackOn.length > 0
            ? `${putBackOn.join(', ')} put back as they were`
            : 'no router had been changed'),
        `fix ${r.router} (or the policy), then ask again: /vpn policy diff`,
        { cause: err },
      );
    }
  }
  return {
    result: { routers: done.map((r) => r.router) },
    detail: `committed with commit-confirm, verified and saved on ${done.length} routers`,
  };
};

export const undoApplyPolicy: StepAction<PolicyDeps> = async (ctx) => {
  const applied = ctx.resultIfAny(S.apply);
  if (!applied) return;
  const plan = ctx.result(S.plan);
  const names: string[] = [];
  for (const name of [...applied.routers].reverse()) {
    const r = plan.routers.find((x) => x.router === name);
    if (r && (await putBack(ctx.deps, r)) > 0) names.push(name);
  }
  return { detail: `the previous firewall and qos put back on ${names.join(', ') || 'none'}` };
};

/** Every router runs exactly the plan: read again, after every commit. */
export const verifyPolicy: StepAction<PolicyDeps> = async (ctx) => {
  const plan = ctx.result(S.plan);
  if (ctx.dryRun) return { detail: 'dry run: nothing was applied to check' };
  const off: string[] = [];
  for (const r of plan.routers) {
    const now = owned(await ctx.deps.routers.router(r.router).runningConfig());
    if (diffTrafficPolicy(now, wantedAfter(r)).length > 0) off.push(r.router);
  }
  if (off.length > 0)
    throw new FlatnetError(
      'BAD_INPUT',
      `${off.join(', ')} ${off.length === 1 ? 'does' : 'do'} not run the policy just applied`,
      'someone changed them meanwhile: see /vpn policy diff',
    );
  return { detail: `${plan.routers.length} routers run the policy` };
};
