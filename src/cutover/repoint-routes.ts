/**
 * Only now, with the receiving router forwarding through its tunnels, do the VPC routes move
 * to it. (The original runbook moved them first and black-holed traffic for the whole boot.)
 * A route that vanished since the plan is reported, not fatal: there is nothing to repoint,
 * and failing would undo a working cutover. Shared by the scale-up and the failover.
 *
 * Until the routes move, the hub VPC still sends traffic to the giving router, whose tunnels
 * went with the Elastic IP: this step is inside the outage, so the routes move in parallel
 * and without a describe first (ReplaceRoute to the interface a route already has is a
 * no-op, so repeating it after a crash is safe).
 */
import type { Cloud } from '../aws/cloud.js';
import type { RouteTable } from '../aws/types.js';
import type { StepAction } from '../runbook/define-step.js';
import { mapBounded } from '../util/map-bounded.js';
import { showRoutes, type CutoverDeps, type ResolveCutover, type RouteRef } from './cutover.js';
import type { RepointResult } from './cutover-steps.js';

/**
 * Where each planned route points now: an interface id, `other` (not an interface), or `missing`.
 */
export async function routeTargets(
  cloud: Pick<Cloud, 'describeRouteTables'>,
  region: string,
  routes: RouteRef[],
): Promise<Map<RouteRef, string>> {
  const ids = [...new Set(routes.map((r) => r.routeTableId))];
  const tables: RouteTable[] =
    ids.length > 0 ? await cloud.describeRouteTables(region, { routeTableIds: ids }) : [];
  const out = new Map<RouteRef, string>();
  for (const ref of routes) {
    const route = tables
      .find((t) => t.id === ref.routeTableId)
      ?.routes.find((r) => r.destination === ref.destination);
    out.set(ref, route ? (route.networkInterfaceId ?? 'other') : 'missing');
  }
  return out;
}

/**
 * EC2's mutating-call bucket allows bursts well above this; a VPN hub has tens of routes, not
 * thousands.
 */
const ROUTE_CONCURRENCY = 16;

export function repointRoutes<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D, RepointResult> {
  return async (ctx) => {
    const { region, routes, to } = cutover(ctx);
    const { cloud } = ctx.deps;
    if (ctx.dryRun) {
      let would = 0;
      for (const r of routes) {
        if (
          (await cloud.replaceRoute(region, {
            ...r,
            networkInterfaceId: to.networkInterfaceId,
            dryRun: true,
          })) === 'replaced'
        )
          would++;
      }
      return {
        detail: `DryRun: ReplaceRoute would succeed for ${would}/${routes.length} routes`,
      };
    }
    await ctx.assertStillOwner();
    const outcomes = await mapBounded(routes, ROUTE_CONCURRENCY, (ref) =>
      cloud.replaceRoute(region, { ...ref, networkInterfaceId: to.networkInterfaceId }),
    );
    const result: RepointResult = { repointed: [], missing: [] };
    routes.forEach((ref, i) =>
      (outcomes[i] === 'replaced' ? result.repointed : result.missing).push(ref),
    );
    if (result.missing.length > 0)
      await ctx.note(
        `routes gone since the plan (nothing to repoint): ${showRoutes(result.missing)}`,
      );
    const tables = new Set(result.repointed.map((r) => r.routeTableId)).size;
    return {
      result,
      detail:
        `${result.repointed.length} routes in ${tables} ` +
        `table${tables === 1 ? '' : 's'} now go to ${to.networkInterfaceId}` +
        (result.missing.length > 0
          ? `; ${result.missing.length} missing: ${showRoutes(result.missing)}`
          : ''),
    };
  };
}

/** Undo: only the routes this run moved go back to the giving router. */
export function repointRoutesBack<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D> {
  return async (ctx) => {
    const { region, routes, from, to } = cutover(ctx);
    const targets = await routeTargets(ctx.deps.cloud, region, routes);
    let back = 0;
    for (const ref of routes) {
      // Only routes this run moved: a route someone pointed elsewhere since stays where it is.
      if (targets.get(ref) !== to.networkInterfaceId) continue;
      if (
        (await ctx.deps.cloud.replaceRoute(region, {
          ...ref,
          networkInterfaceId: from.networkInterfaceId,
        })) === 'replaced'
      )
        back++;
    }
    return { detail: `${back} routes back on ${from.networkInterfaceId}` };
  };
}
