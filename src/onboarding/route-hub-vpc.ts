/**
 * Execute step `route-hub-vpc`: the hub VPC's route tables send what a run made reachable
 * through the hub (a WireGuard pool, a site's subnets, an attached VPC) to the hub router.
 * Without it the tunnel is up, the hub announces the prefix by BGP, and an instance of the hub
 * VPC still sends its packets for it to the internet gateway (docs/flat-network.md).
 *
 * The destinations are the run's own plus everything the hub serves that BGP does not bring
 * into a route table (its WireGuard pools, the office and the sites it routes: the prefixes it
 * announces, src/onboarding/hub-announcements.ts), so a run repairs what an earlier one left
 * out. The target is the interface holding the hub's Elastic IP (the router terminating the
 * tunnels: the primary, or its standby after a failover), so a later failover, failback or
 * scale-up repoints these routes with the others (they target that interface).
 *
 * Looks before it acts (longest prefix match, src/onboarding/hub-vpc-routes.ts), DryRun proves
 * the permission, and undo deletes only the routes this run created and that still go where it
 * put them.
 */
import { z } from 'zod';
import type { Cloud } from '../aws/cloud.js';
import type { Inventory } from '../config/inventory-schema.js';
import { cidrContains } from '../net/cidr.js';
import type { StepAction, TypedStepContext } from '../runbook/define-step.js';
import type { StepRef } from '../runbook/step-ref.js';
import type { RouterClient } from '../vyos/router-client.js';
import { outsideIssuedAggregates } from '../config/flat-network.js';
import { ownAddressOf, wantedAnnouncements } from './hub-announcements.js';
import { readHubConfig } from './read-hub-config.js';
import { planHubVpcRoutes, targetOf, type HubTarget } from './hub-vpc-routes.js';

export interface HubVpcDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  cloud: Pick<
    Cloud,
    'describeAddress' | 'describeInstance' | 'describeRouteTables' | 'createRoute' | 'deleteRoute'
  >;
}

/** What a run asks for: the hub (inventory name) and the destinations it makes reachable. */
export interface HubVpcWish {
  hub: string;
  destinations: string[];
}

const routeSchema = z.object({
  routeTableId: z.string(),
  destination: z.string(),
  networkInterfaceId: z.string(),
});
/** What step `route-hub-vpc` saves: the routes it created (its undo deletes them). */
export const hubVpcRoutesResult = z.object({
  region: z.string(),
  created: z.array(routeSchema),
  routed: z.number(),
  conflicts: z.array(z.string()),
  /** New destinations the WireGuard files issued before do not cover, and the hub's peers. */
  reissue: z.object({ outside: z.array(z.string()), peers: z.array(z.string()) }).optional(),
});
export type HubVpcRoutesResult = z.infer<typeof hubVpcRoutesResult>;

export const ROUTE_HUB_VPC_TITLE =
  "Route the new destinations in the hub VPC's route tables to the hub router";

/** The hub's interface that its VPC routes to, and that VPC. */
async function hubTarget(
  deps: HubVpcDeps,
  hub: string,
): Promise<HubTarget & { region: string; vpcId?: string; label: string }> {
  const entry = deps.inventory.routers[hub];
  if (!entry) throw new Error(`${hub} is not in the inventory`);
  const holder = entry.elasticIp
    ? await deps.cloud.describeAddress(entry.region, entry.elasticIp.allocationId)
    : undefined;
  const instanceId = holder?.instanceId ?? entry.instanceId;
  const instance = await deps.cloud.describeInstance(entry.region, instanceId);
  const networkInterfaceId = holder?.networkInterfaceId ?? instance.networkInterfaceId;
  const who = instanceId === entry.instanceId ? hub : `the router holding ${hub}'s Elastic IP`;
  return {
    region: entry.region,
    networkInterfaceId,
    instanceId,
    vpcId: instance.vpcId ?? vpcOfAddress(deps.inventory, entry.region, instance.privateIp),
    label: `${who} (${networkInterfaceId})`,
  };
}

function vpcOfAddress(inventory: Inventory, region: string, ip: string): string | undefined {
  return inventory.regions[region]?.vpcs.find((v) => cidrContains(v.cidr, ip))?.id;
}

const list = (refs: { routeTableId: string; destination: string }[]): string =>
  refs.map((r) => `${r.routeTableId} ${r.destination}`).join(', ');

/**
 * The step's action, for a runbook that says which hub and which destinations (its own; the
 * baseline is added).
 */
export function routeHubVpc<D extends HubVpcDeps>(
  wish: (ctx: TypedStepContext<D>) => HubVpcWish | { skip: string },
): StepAction<D, HubVpcRoutesResult> {
  return async (ctx) => {
    const wanted = wish(ctx);
    if ('skip' in wanted) return { detail: wanted.skip };
    const { deps } = ctx;
    const hub = await hubTarget(deps, wanted.hub);
    const lines = await deps.routers.router(wanted.hub).runningConfig();
    const outside = outsideIssuedAggregates(deps.inventory, wanted.destinations);
    const reissue =
      outside.length > 0
        ? {
            outside,
            peers: readHubConfig(lines)
              .wireguard.peers.map((p) => p.name)
              .sort(),
          }
        : undefined;
    const destinations = [
      ...new Set([
        ...wanted.destinations,
        ...wantedAnnouncements(deps.inventory, ownAddressOf(lines) ?? '', lines),
      ]),
    ];
    if (!hub.vpcId)
      return { detail: `the VPC of ${hub.label} is unknown: no hub VPC route was checked` };
    const tables = await deps.cloud.describeRouteTables(hub.region, { vpcId: hub.vpcId });
    const plan = planHubVpcRoutes(tables, destinations, hub);
    if (plan.conflicts.length > 0)
      await ctx.note(
        `left alone (not flatnet's routes): ${plan.conflicts.join('; ')}; point them ` +
          `at ${hub.networkInterfaceId} by hand if those networks should reach the hub`,
      );
    const left = plan.conflicts.length > 0 ? `; left alone: ${plan.conflicts.join('; ')}` : '';
    const result = (created: HubVpcRoutesResult['created']): HubVpcRoutesResult => ({
      region: hub.region,
      created,
      routed: plan.routed.length,
      conflicts: plan.conflicts,
      ...(reissue ? { reissue } : {}),
    });
    if (plan.missing.length === 0)
      return {
        result: result([]),
        detail:
          'the hub VPC already routes ' +
          `${wanted.destinations.join(', ') || 'everything'} to ${hub.label}${left}`,
      };
    if (ctx.dryRun) {
      for (const ref of plan.missing)
        await deps.cloud.createRoute(hub.region, {
          ...ref,
          networkInterfaceId: hub.networkInterfaceId,
          dryRun: true,
        });
      return {
        result: result([]),
        detail:
          'DryRun: CreateRoute would succeed; would route ' +
          `${list(plan.missing)} to ${hub.label}${left}`,
      };
    }
    await ctx.assertStillOwner();
    const created: HubVpcRoutesResult['created'] = [];
    for (const ref of plan.missing) {
      const route = { ...ref, networkInterfaceId: hub.networkInterfaceId };
      // `exists`: made meanwhile by someone else; not ours to delete on undo.
      if ((await deps.cloud.createRoute(hub.region, route)) === 'created') created.push(route);
    }
    return {
      result: result(created),
      detail: `${list(created)} now go${created.length === 1 ? 'es' : ''} to ${hub.label}${left}`,
    };
  };
}

/** Its undo: delete the routes the step created, while they still go where it put them. */
export function deleteCreatedHubVpcRoutes<D extends HubVpcDeps>(
  ref: StepRef<HubVpcRoutesResult>,
): StepAction<D> {
  return async (ctx) => {
    const done = ctx.resultIfAny(ref);
    if (!done || done.created.length === 0) return;
    const ids = [...new Set(done.created.map((r) => r.routeTableId))];
    const tables = await ctx.deps.cloud.describeRouteTables(done.region, {
      routeTableIds: ids,
    });
    const deleted: string[] = [];
    const kept: string[] = [];
    for (const route of done.created) {
      const now = tables
        .find((t) => t.id === route.routeTableId)
        ?.routes.find((r) => r.destination === route.destination);
      if (!now) continue;
      // Repointed since (a failover, an operator): no longer the route this run made.
      if (now.networkInterfaceId !== route.networkInterfaceId) {
        kept.push(`${route.routeTableId} ${route.destination} (now to ${targetOf(now)})`);
        continue;
      }
      await ctx.deps.cloud.deleteRoute(done.region, route);
      deleted.push(`${route.routeTableId} ${route.destination}`);
    }
    return {
      detail: `deleted the hub VPC routes this run created: ${deleted.join(', ') || 'none left'}`,
      ...(kept.length > 0 ? { kept: `hub VPC routes repointed since: ${kept.join(', ')}` } : {}),
    };
  };
}

/**
 * The summary's sentence when a run made reachable what laptops issued before do not route:
 * which peers, and the command that gives each a new file.
 */
export function reissueAdvice(result: HubVpcRoutesResult | undefined, hub: string): string {
  const r = result?.reissue;
  if (!r || r.peers.length === 0) return '';
  const them = r.outside.length === 1 ? 'it' : 'them';
  const commands = r.peers.map((p) => `/vpn reissue-peer ${p}`).join(', ');
  return (
    ` ${r.outside.join(', ')} ${r.outside.length === 1 ? 'is' : 'are'} ` +
    `outside the flat network's aggregates: ` +
    `the WireGuard files issued before on ${hub} (${r.peers.join(', ')}) do not route ${them}. ` +
    `Cover ${them} in network.aggregates (inventory) if not yet, then re-issue: ${commands}.`
  );
}
