/**
 * The moment after the Elastic IP moved: every VPC route to the giving router goes to the
 * receiving one in one parallel EC2 round, and the receiver's IPsec is reset in the same
 * moment, so the routes are in place while the tunnels re-key and the outage is the Elastic IP
 * move plus re-establishment, no more. Moving the routes before the tunnels are up black-holes
 * nothing: the routes to the giver lead into tunnels that left with the Elastic IP. (The
 * original runbook moved them before the new router even ran, and black-holed traffic for the
 * whole boot; the routes still never move before the Elastic IP.)
 *
 * A route that vanished since the plan is reported, not fatal: there is nothing to repoint,
 * and failing would undo a working cutover. No describe first: ReplaceRoute to the interface
 * a route already has is a no-op, so repeating it after a crash is safe. Shared by the
 * scale-up, the failover and the failback.
 */
import type { Cloud } from '../aws/cloud.js';
import type { RouteTable } from '../aws/types.js';
import type { StepAction } from '../runbook/define-step.js';
import { mapBounded } from '../util/map-bounded.js';
import { rekeyTunnels } from './bring-tunnels-up.js';
import {
  showRoutes,
  type Cutover,
  type CutoverDeps,
  type ResolveCutover,
  type RouteRef,
} from './cutover.js';
import { CUTOVER_STEPS, type RepointResult } from './cutover-steps.js';

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

/** Every planned route to the receiver, in one parallel EC2 round. */
export async function replaceAllRoutes(
  cloud: Pick<Cloud, 'replaceRoute'>,
  { region, routes, to }: Cutover,
): Promise<Pick<RepointResult, 'repointed' | 'missing'>> {
  const outcomes = await mapBounded(routes, ROUTE_CONCURRENCY, (ref) =>
    cloud.replaceRoute(region, { ...ref, networkInterfaceId: to.networkInterfaceId }),
  );
  const result = { repointed: [] as RouteRef[], missing: [] as RouteRef[] };
  routes.forEach((ref, i) =>
    (outcomes[i] === 'replaced' ? result.repointed : result.missing).push(ref),
  );
  return result;
}

/**
 * The routes this run moved (those that point at the receiver now) back to the giver, one
 * after another: an undo is not inside an outage. A route someone pointed elsewhere since
 * stays where it is. How many went back.
 */
export async function putRoutesBack(
  cloud: Pick<Cloud, 'replaceRoute' | 'describeRouteTables'>,
  { region, routes, from, to }: Cutover,
): Promise<number> {
  const targets = await routeTargets(cloud, region, routes);
  let back = 0;
  for (const ref of routes) {
    if (targets.get(ref) !== to.networkInterfaceId) continue;
    const outcome = await cloud.replaceRoute(region, {
      ...ref,
      networkInterfaceId: from.networkInterfaceId,
    });
    if (outcome === 'replaced') back++;
  }
  return back;
}

export function repointRoutes<D extends CutoverDeps>(
  cutover: ResolveCutover<D>,
): StepAction<D, RepointResult> {
  return async (ctx) => {
    const resolved = cutover(ctx);
    const { region, routes, to } = resolved;
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
    // This very attempt moved the Elastic IP: no SA of the receiver can be up, so the reset
    // needs no look first. Resumed, or the Elastic IP already there: look, a second reset of
    // tunnels that came up would be a second outage.
    const move = ctx.resultIfAny(CUTOVER_STEPS.moveElasticIp);
    // The routes of a giver that did not answer went with the Elastic IP, in its round.
    const routedWithMove = ctx.firstAttempt ? move?.routes : undefined;
    const [routed, ipsec] = await Promise.all([
      routedWithMove ?? replaceAllRoutes(cloud, resolved),
      rekeyTunnels(ctx, resolved, { look: !(ctx.firstAttempt && move?.moved === true) }),
    ]);
    const result: RepointResult = { ...routed, ipsec };
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
        (ipsec === 'reset' ? `; IPsec reset on ${to.label}` : `; SAs already up on ${to.label}`) +
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
    const resolved = cutover(ctx);
    const back = await putRoutesBack(ctx.deps.cloud, resolved);
    return { detail: `${back} routes back on ${resolved.from.networkInterfaceId}` };
  };
}
