/**
 * Execute step 7: only now, with the new router forwarding through its tunnels, do the VPC
 * routes move to it. (The original runbook moved them first and black-holed traffic for the
 * whole boot.) A route that vanished since the plan is reported, not fatal: there is
 * nothing to repoint, and failing would undo a working cutover.
 *
 * Until the routes move, the hub VPC still sends traffic to the old router, whose tunnels
 * went with the Elastic IP: this step is inside the outage, so the routes move in parallel
 * and without a describe first (ReplaceRoute to the interface a route already has is a
 * no-op, so repeating it after a crash is safe).
 */
import type { RouteTable } from '../../aws/types.js';
import type { Step, StepContext } from '../../runbook/types.js';
import { mapBounded } from '../../util/map-bounded.js';
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

/** EC2's mutating-call bucket allows bursts well above this; a VPN hub has tens of routes, not thousands. */
const ROUTE_CONCURRENCY = 16;

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
    await ctx.assertStillOwner();
    const outcomes = await mapBounded(facts.routes, ROUTE_CONCURRENCY, (ref) => cloud.replaceRoute(facts.region, { ...ref, networkInterfaceId: fresh.networkInterfaceId }));
    const result: RepointResult = { repointed: [], missing: [] };
    facts.routes.forEach((ref, i) => (outcomes[i] === 'replaced' ? result.repointed : result.missing).push(ref));
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
