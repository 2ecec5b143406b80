/**
 * Execute step `propagate-routes`: turn VGW route propagation on for every route table of the
 * attached VPC, so its instances send the flat network to the VGW and replies find their way
 * back (without it the tunnels are up and nothing returns). The VGW learns the flat network
 * from the hub by BGP (docs/flat-network.md); propagation copies it into the tables.
 *
 * Looks before it acts (a table that already propagates is left alone, so a re-run of attach-vpc
 * also repairs an attachment made before flatnet did this), DryRun proves the permission, and
 * undo turns off only what this run turned on.
 */
import { deleteCreatedHubVpcRoutes, routeHubVpc } from '../onboarding/route-hub-vpc.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import type { AttachVpcDeps } from './attach-deps.js';
import { ATTACH_VPC_STEPS as S, type PropagationResult } from './attach-vpc-steps.js';

type Ctx = TypedStepContext<AttachVpcDeps>;

export async function propagateRoutes(ctx: Ctx) {
  const plan = ctx.result(S.resolve);
  const done = (r: PropagationResult, detail: string) => ({ result: r, detail });
  if (!plan.vpcId) return done({ enabled: [], already: [] }, `${plan.vgwId} is attached to no VPC`);
  const tables = await ctx.deps.cloud.describeRouteTables(plan.region, { vpcId: plan.vpcId });
  const already = tables.filter((t) => t.propagatingVgws.includes(plan.vgwId)).map((t) => t.id);
  const todo = tables.filter((t) => !already.includes(t.id)).map((t) => t.id);
  const had = already.length > 0 ? `; ${already.join(', ')} already did` : '';
  if (todo.length === 0)
    return done(
      { enabled: [], already },
      tables.length === 0
        ? `${plan.vpcId} has no route table`
        : `every route table of ${plan.vpcName} already propagates ${plan.vgwId}`,
    );
  if (ctx.dryRun) {
    for (const routeTableId of todo)
      await ctx.deps.cloud.setVgwRoutePropagation(plan.region, {
        routeTableId,
        vpnGatewayId: plan.vgwId,
        enabled: true,
        dryRun: true,
      });
    return done(
      { enabled: [], already },
      'DryRun: EnableVgwRoutePropagation would succeed; ' +
        `would turn it on for ${todo.join(', ')}${had}`,
    );
  }
  await ctx.assertStillOwner();
  const enabled: string[] = [];
  for (const routeTableId of todo) {
    await ctx.deps.cloud.setVgwRoutePropagation(plan.region, {
      routeTableId,
      vpnGatewayId: plan.vgwId,
      enabled: true,
    });
    enabled.push(routeTableId);
  }
  return done(
    { enabled, already },
    `${enabled.join(', ')} now learn${enabled.length === 1 ? 's' : ''} ` +
      `the flat network from ${plan.vgwId}${had}`,
  );
}

/** Undo: propagation goes off again only where this run turned it on. */
export async function stopPropagatingRoutes(ctx: Ctx) {
  const res = ctx.resultIfAny(S.propagateRoutes);
  if (!res || res.enabled.length === 0) return;
  const plan = ctx.result(S.resolve);
  for (const routeTableId of res.enabled)
    await ctx.deps.cloud.setVgwRoutePropagation(plan.region, {
      routeTableId,
      vpnGatewayId: plan.vgwId,
      enabled: false,
    });
  return {
    detail: `route propagation from ${plan.vgwId} turned off again on ${res.enabled.join(', ')}`,
  };
}

/**
 * Step `route-hub-vpc`: the hub VPC routes the attached VPC (and what else the hub serves) to the
 * hub.
 */
export const routeHubVpcToVpc = routeHubVpc<AttachVpcDeps>((ctx) => {
  const plan = ctx.result(S.resolve);
  return {
    hub: plan.hub,
    destinations: plan.vpcCidrs ?? (plan.vpcCidr ? [plan.vpcCidr] : []),
  };
});

export const unrouteHubVpcToVpc = deleteCreatedHubVpcRoutes<AttachVpcDeps>(S.routeHubVpc);
