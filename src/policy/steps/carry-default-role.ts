/**
 * The runbook steps that carry `traffic.defaultRole` to the routers for a network the inventory
 * does not list: add-peer puts a new site's subnets into the default role's network-group on
 * every router that runs the policy, remove-peer takes them out (src/policy/default-role-group.ts
 * renders the lines). Every router, not only the hub and its standby that add-peer commits to:
 * a spoke filters the site's packets too (its intra-zone and VPN-to-VPC traffic goes through
 * the same rule set), so a spoke without the subnets would drop what the hub lets through.
 *
 * - **Plan** (before approval): the network, its subnets the inventory does not list and the
 *   role they take; the routers it may change, whose leases the run holds (`alsoLocks`), so a
 *   failover, a scale-up or a policy apply never changes one beside it.
 * - **Run**: every router read (a few at a time); one that does not answer is left behind,
 *   loudly (a note and the detail): it keeps the network closed, the safe side, and
 *   `/vpn policy diff` names it until an apply. Then router by router, commit-confirm,
 *   verified on the same session before `confirm`, saved. All or nothing: a router that refuses
 *   rolls back by itself and the routers already changed are put back, last first, before the
 *   step fails — every router as it was. Resumed after its worker died, the routers already
 *   as wanted count as changed by this run (nothing else puts a network the inventory does not
 *   list in a role group).
 * - **Undo**: exactly what the step recorded, reversed; nothing when it recorded nothing (it
 *   failed, and put back what it had changed before failing).
 */
import { z } from 'zod';
import type { Inventory } from '../../config/inventory-schema.js';
import { readTrafficPolicy } from '../../config/traffic-policy.js';
import { describeError, FlatnetError } from '../../errors.js';
import type { StepAction, TypedStepContext } from '../../runbook/define-step.js';
import type { StepRef } from '../../runbook/step-ref.js';
import { mapBounded, withTimeout } from '../../util/map-bounded.js';
import { renderConfigLine } from '../../vyos/config-line.js';
import type { RouterClient } from '../../vyos/router-client.js';
import type { ConfigLine } from '../../vyos/types.js';
import { joinRoleGroupLines, leaveRoleGroupLines } from '../default-role-group.js';
import { unlistedSubnets } from '../onboarded-sites.js';

export interface DefaultRoleDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  confirmMinutes?: number;
}

export const defaultRolePlan = z.object({
  /** The network in `/vpn reach`'s words (`site/kobe`). */
  network: z.string(),
  /** The default role it takes; null when nothing is carried (`why` says so). */
  role: z.string().nullable(),
  /** Its subnets the inventory does not list: what goes in (or out of) the role's group. */
  subnets: z.array(z.string()),
  /** The routers the step may change: every router of the inventory (leased for the run). */
  routers: z.array(z.string()),
  why: z.string(),
});
export type DefaultRolePlan = z.infer<typeof defaultRolePlan>;

export const defaultRoleChange = z.object({
  /** The routers changed, in order, with the subnets each took (or gave up): what undo reverses. */
  changed: z.array(z.object({ router: z.string(), subnets: z.array(z.string()) })),
  leftBehind: z.array(z.object({ router: z.string(), reason: z.string() })),
});
export type DefaultRoleChange = z.infer<typeof defaultRoleChange>;

/** `join`: the network comes (add-peer); `leave`: it goes (remove-peer). */
export type GroupDirection = 'join' | 'leave';

const DEFAULT_CONFIRM_MINUTES = 5;
const READ_CONCURRENCY = 8;

const linesFor = (direction: GroupDirection) =>
  direction === 'join' ? joinRoleGroupLines : leaveRoleGroupLines;
const reverse = (direction: GroupDirection): GroupDirection =>
  direction === 'join' ? 'leave' : 'join';

/** The plan step: which subnets take which role, and the routers that may change. */
export function planDefaultRole<D extends DefaultRoleDeps>(
  networkOf: (ctx: TypedStepContext<D>) => { label: string; subnets: string[] } | undefined,
): StepAction<D, DefaultRolePlan> {
  return async (ctx) => {
    const network = networkOf(ctx);
    const policy = readTrafficPolicy(ctx.deps.inventory);
    const none = (label: string, why: string) => ({
      result: { network: label, role: null, subnets: [], routers: [], why },
      detail: why,
    });
    if (!network) return none(ctx.run.target, 'no network of its own: no role group changes');
    if (!policy) return none(network.label, 'no traffic policy in the inventory');
    if (network.subnets.length === 0)
      return none(network.label, `no subnets of ${network.label} known: no role group changes`);
    const subnets = unlistedSubnets(policy, network.subnets);
    if (subnets.length === 0)
      return none(
        network.label,
        `${network.label} is a network the inventory lists: its role's group is the apply's`,
      );
    if (policy.defaultRole === undefined)
      return none(
        network.label,
        `${network.label} takes no role (no traffic.defaultRole): closed both ways until it ` +
          'is listed and applied',
      );
    const why =
      `${network.label} (${subnets.join(', ')}) in the role ${policy.defaultRole}, ` +
      'on every router that runs the policy';
    return {
      result: {
        network: network.label,
        role: policy.defaultRole,
        subnets,
        routers: Object.keys(ctx.deps.inventory.routers),
        why,
      },
      detail: why,
    };
  };
}

interface RouterChange {
  router: string;
  lines: ConfigLine[];
}

type RouterRead = { router: string; lines: ConfigLine[] } | { router: string; reason: string };

/** Every router of the plan read, each within its own time; the ones that did not answer. */
async function readRouters(deps: DefaultRoleDeps, names: string[]) {
  const timeoutMs = deps.inventory.timeouts.statusPerRouterMs;
  const read = await mapBounded(names, READ_CONCURRENCY, async (router): Promise<RouterRead> => {
    try {
      const lines = await withTimeout(
        deps.routers.router(router).runningConfig(),
        timeoutMs,
        () => new Error(`${router} did not answer within ${timeoutMs / 1000} s`),
      );
      return { router, lines };
    } catch (err) {
      return { router, reason: describeError(err).split('\n')[0] ?? 'unknown error' };
    }
  });
  return {
    readable: read.flatMap((r) => ('lines' in r ? [r] : [])),
    leftBehind: read.flatMap((r) => ('reason' in r ? [r] : [])),
  };
}

/** Commit-confirm, verified before `confirm` (the group is as wanted), saved. */
async function commitGroupChange(
  deps: DefaultRoleDeps,
  router: string,
  lines: ConfigLine[],
  left: (current: ConfigLine[]) => ConfigLine[],
): Promise<void> {
  await deps.routers.router(router).applyConfig(lines, {
    confirmMinutes: deps.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES,
    async verify(client) {
      const off = left(await client.runningConfig());
      if (off.length > 0)
        throw new Error(
          `the group is not as wanted after the commit: ${off.map(renderConfigLine).join('; ')}`,
        );
    },
    save: true,
  });
}

/** Put `subnets` back on one router: the reverse of what the step did there. */
async function putBack(
  deps: DefaultRoleDeps,
  role: string,
  direction: GroupDirection,
  changed: { router: string; subnets: string[] },
): Promise<boolean> {
  const back = linesFor(reverse(direction));
  const current = await deps.routers.router(changed.router).runningConfig();
  const lines = back(current, role, changed.subnets);
  if (lines.length === 0) return false;
  await commitGroupChange(deps, changed.router, lines, (now) => back(now, role, changed.subnets));
  return true;
}

/** The run step: the plan's subnets into (`join`) or out of (`leave`) the group everywhere. */
export function carryDefaultRole<D extends DefaultRoleDeps>(
  planRef: StepRef<DefaultRolePlan>,
  direction: GroupDirection,
): StepAction<D, DefaultRoleChange> {
  return async (ctx) => {
    const plan = ctx.result(planRef);
    const { role, subnets } = plan;
    if (role === null || subnets.length === 0)
      return { result: { changed: [], leftBehind: [] }, detail: plan.why };
    const change = linesFor(direction);
    const { readable, leftBehind } = await readRouters(ctx.deps, plan.routers);
    for (const l of leftBehind)
      await ctx.note(
        `WARNING: ${l.router} could not be read (${l.reason}): it keeps ${plan.network} ` +
          `${direction === 'join' ? 'closed both ways' : 'in its role group'} until ` +
          '/vpn policy apply brings it up to date (/vpn policy diff shows it)',
      );
    const todo: RouterChange[] = readable.map((r) => ({
      router: r.router,
      lines: change(r.lines, role, subnets),
    }));
    const changing = todo.filter((t) => t.lines.length > 0);
    if (ctx.dryRun) {
      for (const t of changing)
        await ctx.note(
          `on ${t.router} (nothing committed):\n${t.lines.map(renderConfigLine).join('\n')}`,
        );
      return {
        result: { changed: [], leftBehind },
        detail: `dry run: ${changing.length} routers would change`,
      };
    }
    // A resumed run: a router already as wanted may be one the attempt that died changed.
    const already = ctx.firstAttempt
      ? []
      : readable
          .filter((r) => change(r.lines, role, subnets).length === 0)
          .filter((r) => linesFor(reverse(direction))(r.lines, role, subnets).length > 0)
          .map((r) => ({ router: r.router, subnets }));
    const done: { router: string; subnets: string[] }[] = [...already];
    for (const t of changing) {
      try {
        await ctx.assertStillOwner();
        await commitGroupChange(ctx.deps, t.router, t.lines, (now) => change(now, role, subnets));
        done.push({ router: t.router, subnets });
      } catch (err) {
        throw new FlatnetError(
          'ROUTER_COMMAND',
          `${plan.network} was not ${direction === 'join' ? 'put in' : 'taken out of'} the ` +
            `role ${role} on every router: ${t.router} failed (${describeError(err)}); ` +
            (await putBackAll(ctx, role, direction, done)),
          `fix ${t.router}, then ask again`,
          { cause: err },
        );
      }
    }
    const names = done.map((d) => d.router).join(', ') || 'no router (none needed it)';
    return {
      result: { changed: done, leftBehind },
      detail:
        `${plan.network} (${subnets.join(', ')}) ${direction === 'join' ? 'in' : 'out of'} ` +
        `FLATNET-ROLE-${role} on ${names}` +
        (leftBehind.length > 0
          ? `; NOT on ${leftBehind.map((l) => l.router).join(', ')} (not answering)`
          : ''),
    };
  };
}

/** Every router changed so far put back, last first; says which (and any that would not go). */
async function putBackAll<D extends DefaultRoleDeps>(
  ctx: TypedStepContext<D>,
  role: string,
  direction: GroupDirection,
  done: { router: string; subnets: string[] }[],
): Promise<string> {
  const back: string[] = [];
  const stuck: string[] = [];
  for (const d of [...done].reverse()) {
    try {
      await putBack(ctx.deps, role, direction, d);
      back.push(d.router);
    } catch (err) {
      ctx.log.error({ err, runId: ctx.run.id, router: d.router }, 'could not put the group back');
      stuck.push(`${d.router} (${describeError(err).split('\n')[0] ?? ''})`);
    }
  }
  return [
    back.length > 0 ? `${back.join(', ')} put back as they were` : 'no router had been changed',
    ...(stuck.length > 0 ? [`NOT put back: ${stuck.join(', ')}`] : []),
  ].join('; ');
}

/** The undo: exactly what the step recorded, reversed, last router first. */
export function undoCarryDefaultRole<D extends DefaultRoleDeps>(
  planRef: StepRef<DefaultRolePlan>,
  selfRef: StepRef<DefaultRoleChange>,
  direction: GroupDirection,
): StepAction<D> {
  return async (ctx) => {
    const plan = ctx.resultIfAny(planRef);
    const done = ctx.resultIfAny(selfRef);
    if (!plan?.role || !done)
      return { detail: 'nothing recorded as changed (a failed attempt put back its own)' };
    const names: string[] = [];
    for (const d of [...done.changed].reverse())
      if (await putBack(ctx.deps, plan.role, direction, d)) names.push(d.router);
    return {
      detail:
        `${plan.network} ${direction === 'join' ? 'taken out of' : 'put back in'} ` +
        `FLATNET-ROLE-${plan.role} on ${names.join(', ') || 'none (already so)'}`,
    };
  };
}
