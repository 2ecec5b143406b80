/**
 * Which routes the hub VPC's route tables lack for a destination that a run makes reachable
 * through the hub (a WireGuard pool, a site's subnets, an attached VPC's CIDR), decided the
 * way the VPC router decides: longest prefix match over what DescribeRouteTables shows.
 *
 * Per table and destination, the most specific route that covers the whole destination:
 *   - goes to the hub router (its interface or its instance): already routed, nothing to do;
 *   - is the VPC's `local` route: the destination is inside the hub VPC, nothing to route;
 *   - has exactly the destination but another target: someone else's route, left alone and
 *     named (flatnet never overwrites a route it did not make);
 *   - anything else (the default route to the internet gateway, a shorter prefix elsewhere):
 *     the table needs `destination → the hub router's interface`.
 * Pure: the step that acts on it is src/onboarding/route-hub-vpc.ts.
 */
import type { Route, RouteTable } from '../aws/types.js';
import { cidrWithin } from '../config/flat-network.js';
import { parseCidr } from '../net/cidr.js';

export interface HubTarget {
  /** The interface the hub VPC routes to: the one holding the hub's Elastic IP. */
  networkInterfaceId: string;
  instanceId?: string;
}

export interface RouteRef {
  routeTableId: string;
  destination: string;
}

export interface HubVpcRoutePlan {
  /** Routes to create, each to the hub's interface. */
  missing: RouteRef[];
  /** Table × destination pairs a route to the hub already covers. */
  routed: RouteRef[];
  /** Exact routes to another target, left alone: "rtb-… sends 10.250.0.0/24 to pcx-…". */
  conflicts: string[];
}

const prefixOf = (cidr: string): number => parseCidr(cidr)?.prefix ?? -1;

/** The most specific route of the table covering the whole destination. */
export function bestRoute(table: RouteTable, destination: string): Route | undefined {
  return table.routes
    .filter((r) => cidrWithin(destination, r.destination))
    .sort((x, y) => prefixOf(y.destination) - prefixOf(x.destination))[0];
}

export const targetOf = (r: Route): string =>
  r.networkInterfaceId ?? r.gatewayId ?? r.instanceId ?? 'nothing';

export function planHubVpcRoutes(
  tables: readonly RouteTable[],
  destinations: readonly string[],
  hub: HubTarget,
): HubVpcRoutePlan {
  const plan: HubVpcRoutePlan = { missing: [], routed: [], conflicts: [] };
  for (const table of tables) {
    for (const destination of destinations) {
      const ref = { routeTableId: table.id, destination };
      const best = bestRoute(table, destination);
      const toHub =
        best !== undefined &&
        (best.networkInterfaceId === hub.networkInterfaceId ||
          (hub.instanceId !== undefined && best.instanceId === hub.instanceId));
      if (toHub) plan.routed.push(ref);
      else if (best?.gatewayId === 'local') continue;
      else if (best && best.destination === destination)
        plan.conflicts.push(`${table.id} sends ${destination} to ${targetOf(best)}`);
      else plan.missing.push(ref);
    }
  }
  return plan;
}
