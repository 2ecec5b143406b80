/**
 * Execute step 7: only now, with the new router forwarding through its tunnels, do the VPC
 * routes move to it. (The original runbook moved them first and black-holed traffic for the
 * whole boot.) A route that vanished since the plan is reported, not fatal: there is
 * nothing to repoint, and failing would undo a working cutover.
 */
import type { RouteTable } from '../../aws/types.js';
import type { Step, StepContext } from '../../runbook/types.js';
import { asJson, newInstanceOf, resultOf, type LoadFactsResult, type RepointResult, type RouteRef } from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';

/** Where each planned route points now: an interface id, `other` (not an interface), or `missing`. */
export async function routeTargets(ctx: StepContext<ScaleDeps>, facts: LoadFactsResult): Promise<Map<RouteRef, string>> {
  const ids = [...new Set(facts.routes.map((r) => r.routeTableId))];
  const tables: RouteTable[] = ids.length > 0 ? await ctx.deps.cloud.describeRouteTables(facts.region, { routeTableIds: ids }) : [];
  const out = new Map<RouteRef, string>();
  for (const ref of facts.routes) {
    const route = tables.find((t) => t.id === ref.routeTableId)?.routes.find((r) => r.destination === ref.destination);
    out.set(ref, route ? (route.networkInterfaceId ?? 'other') : 'missing');
  }
  return out;
}

const show = (routes: RouteRef[]) => routes.map((r) => `${r.routeTableId} ${r.destination}`).join(', ');

export const repointRoutesStep: Step<ScaleDeps> = {
  id: 'repoint-routes',
  title: 'Repoint the VPC routes to the new router',
  phase: 'execute',
  async run(ctx) {
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const { cloud } = ctx.deps;
    if (ctx.dryRun) {
      let would = 0;
      for (const r of facts.routes) {
        if ((await cloud.replaceRoute(facts.region, { ...r, networkInterfaceId: facts.networkInterfaceId, dryRun: true })) === 'replaced') would++;
      }
      return { detail: `DryRun: ReplaceRoute would succeed for ${would}/${facts.routes.length} routes` };
    }
    const fresh = newInstanceOf(ctx.results);
    const targets = await routeTargets(ctx, facts);
    const result: RepointResult = { repointed: [], missing: [] };
    let owned = false;
    for (const ref of facts.routes) {
      if (targets.get(ref) === fresh.networkInterfaceId) {
        result.repointed.push(ref);
        continue;
      }
      if (!owned) {
        await ctx.assertStillOwner();
        owned = true;
      }
      const outcome = await cloud.replaceRoute(facts.region, { ...ref, networkInterfaceId: fresh.networkInterfaceId });
      (outcome === 'replaced' ? result.repointed : result.missing).push(ref);
    }
    if (result.missing.length > 0) await ctx.note(`routes gone since the plan (nothing to repoint): ${show(result.missing)}`);
    await ctx.deps.afterAction?.('repoint-routes');
    const tables = new Set(result.repointed.map((r) => r.routeTableId)).size;
    return {
      result: asJson(result),
      detail: `${result.repointed.length} routes in ${tables} tables now go to ${fresh.networkInterfaceId}${result.missing.length > 0 ? `; ${result.missing.length} missing: ${show(result.missing)}` : ''}`,
    };
  },
  async undo(ctx) {
    const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
    const fresh = newInstanceOf(ctx.results);
    const targets = await routeTargets(ctx, facts);
    let back = 0;
    for (const ref of facts.routes) {
      // Only routes this run moved: a route someone pointed elsewhere since stays where it is.
      if (targets.get(ref) !== fresh.networkInterfaceId) continue;
      if ((await ctx.deps.cloud.replaceRoute(facts.region, { ...ref, networkInterfaceId: facts.networkInterfaceId })) === 'replaced') back++;
    }
    return { detail: `${back} routes back on ${facts.networkInterfaceId}` };
  },
};
