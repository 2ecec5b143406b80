/**
 * Read the network for reachability: every router over SSH in parallel (bounded, each with
 * its own timeout: one that does not answer is judged unreadable, never a hang) and every
 * region's EC2 state (instances, route tables with propagated routes, VPN connections and
 * their telemetry, VGWs). Read-only.
 */
import type { RouterInstance } from '../aws/types.js';
import { unlistedVpcName } from '../aws/vpc-name.js';
import type { Inventory } from '../config/inventory-schema.js';
import { describeError } from '../errors.js';
import { mapBounded, withTimeout } from '../util/map-bounded.js';
import type { ReachCloud, ReachRouters } from './reach-ports.js';
import type { ReachRouter, ReachState, ReachVgw, ReachVpc, RouterReading } from './reach-state.js';
import { readRouterReading } from './read-router-reading.js';

export interface ReadReachOptions {
  inventory: Inventory;
  routers: ReachRouters;
  cloud: ReachCloud;
  concurrency?: number;
  /** Readings already taken (by `/vpn status`): each router is read once. */
  readings?: Map<string, RouterReading | { error: string }>;
}

export async function readReachState(o: ReadReachOptions): Promise<ReachState> {
  const names = Object.keys(o.inventory.routers);
  const [readings, cloud] = await Promise.all([
    mapBounded(names, o.concurrency ?? 64, async (name) => {
      const given = o.readings?.get(name);
      return given ?? readOneRouter(o, name);
    }),
    readReachCloud(o),
  ]);
  return assembleReachState(o.inventory, new Map(names.map((n, i) => [n, readings[i]!])), cloud);
}

async function readOneRouter(
  o: ReadReachOptions,
  name: string,
): Promise<RouterReading | { error: string }> {
  const timeoutMs = o.inventory.timeouts.statusPerRouterMs;
  try {
    return await withTimeout(
      readRouterReading(o.routers.router(name)),
      timeoutMs,
      () => new Error(`${name} did not answer within ${timeoutMs / 1000} s`),
    );
  } catch (err) {
    return { error: describeError(err).split('\n')[0] ?? 'unknown error' };
  }
}

/** What EC2 says, every region in parallel: read beside the routers, not after them. */
export interface ReachCloudState {
  instances: RouterInstance[];
  vpcs: ReachVpc[];
  vgws: ReachVgw[];
  errors: string[];
}

export async function readReachCloud(
  o: Pick<ReadReachOptions, 'inventory' | 'cloud'>,
): Promise<ReachCloudState> {
  const { inventory } = o;
  const names = Object.keys(inventory.routers);
  const regions = [
    ...new Set([
      ...Object.keys(inventory.regions),
      ...names.map((n) => inventory.routers[n]!.region),
    ]),
  ];
  const errors: string[] = [];
  const timeoutMs = inventory.timeouts.statusPerRouterMs;
  const states = await mapBounded(regions, 8, (region) =>
    readRegion(o, region, names, timeoutMs, errors),
  );
  return {
    instances: states.flatMap((r) => r.instances),
    vpcs: states.flatMap((r) => r.vpcs),
    vgws: states.flatMap((r) => r.vgws),
    errors,
  };
}

export function assembleReachState(
  inventory: Inventory,
  readings: Map<string, RouterReading | { error: string }>,
  cloud: ReachCloudState,
): ReachState {
  const routers: ReachRouter[] = Object.keys(inventory.routers).map((name) => {
    const entry = inventory.routers[name]!;
    const reading = readings.get(name) ?? { error: 'not read' };
    const instance = pickInstance(cloud.instances, name, entry.instanceId);
    return {
      name,
      entry,
      ...(instance ? { instance } : {}),
      ...('error' in reading ? { error: reading.error } : { reading }),
    };
  });
  return { routers, vpcs: cloud.vpcs, vgws: cloud.vgws, errors: cloud.errors };
}

/** The router's instance now: a running one named for it, else the inventory's, else any. */
function pickInstance(all: RouterInstance[], name: string, id: string): RouterInstance | undefined {
  const named = all.filter((i) => i.tags.Name === name || i.instanceId === id);
  return (
    named.find((i) => i.state === 'running' && i.tags.Name === name) ??
    named.find((i) => i.instanceId === id) ??
    named[0]
  );
}

async function readRegion(
  o: Pick<ReadReachOptions, 'inventory' | 'cloud'>,
  region: string,
  names: string[],
  timeoutMs: number,
  errors: string[],
): Promise<{ instances: RouterInstance[]; vpcs: ReachVpc[]; vgws: ReachVgw[] }> {
  const here = names.filter((n) => o.inventory.routers[n]!.region === region);
  const vpcsHere = o.inventory.regions[region]?.vpcs ?? [];
  const ask = async <T>(what: string, work: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await withTimeout(
        work(),
        timeoutMs,
        () => new Error(`EC2 in ${region} did not answer within ${timeoutMs / 1000} s`),
      );
    } catch (err) {
      errors.push(`${region}: ${what}: ${describeError(err).split('\n')[0] ?? ''}`);
      return empty;
    }
  };
  const [instances, tables, connections, gateways] = await Promise.all([
    here.length > 0
      ? ask(
          'instances',
          () =>
            o.cloud.findRouterInstances(region, {
              names: here,
              instanceIds: here.map((n) => o.inventory.routers[n]!.instanceId),
            }),
          [],
        )
      : Promise.resolve([]),
    ask('route tables', () => o.cloud.describeRouteTables(region), undefined),
    ask('VPN connections', () => o.cloud.describeVpnConnections(region), []),
    ask('VPN gateways', () => o.cloud.describeVpnGateways(region), []),
  ]);
  const tableOf = (vpcId: string) => {
    const mine = (tables ?? []).filter((t) => t.vpcId === vpcId);
    const table = mine.find((t) => t.main) ?? mine[0];
    return table ? { table } : {};
  };
  const vpcs: ReachVpc[] = vpcsHere.map((v) => ({
    region,
    name: v.name,
    id: v.id,
    cidr: v.cidr,
    ...tableOf(v.id),
  }));
  // A VPC attached through a VGW (a VPN connection on it) that the inventory does not list:
  // its ranges from EC2, so the policy model and /vpn reach know it as the routers do.
  const unlisted = gateways.filter(
    (g) =>
      connections.some((c) => c.vpnGatewayId === g.id && c.state !== 'deleted') &&
      g.vpcIds.some((id) => !vpcsHere.some((v) => v.id === id)),
  );
  const unlistedIds = [
    ...new Set(
      unlisted.flatMap((g) => g.vpcIds.filter((id) => !vpcsHere.some((v) => v.id === id))),
    ),
  ];
  if (unlistedIds.length > 0)
    for (const v of await ask('VPCs', () => o.cloud.describeVpcs(region, unlistedIds), [])) {
      const [cidr, ...more] = v.cidrs;
      if (cidr === undefined) continue;
      const vgw = unlisted.find((g) => g.vpcIds.includes(v.id));
      vpcs.push({
        region,
        name: unlistedVpcName(v.id, v, vgw),
        id: v.id,
        cidr,
        listed: false,
        ...(more.length > 0 ? { cidrs: v.cidrs } : {}),
        ...tableOf(v.id),
      });
    }
  const vgws: ReachVgw[] = gateways.map((gateway) => {
    const receiving = (tables ?? []).filter((t) => t.propagatingVgws.includes(gateway.id));
    const learned = receiving.flatMap((t) =>
      t.routes.filter((r) => r.propagated && r.gatewayId === gateway.id).map((r) => r.destination),
    );
    return {
      region,
      gateway,
      connections: connections.filter(
        (c) => c.vpnGatewayId === gateway.id && c.state !== 'deleted',
      ),
      ...(receiving.length > 0 ? { learned: [...new Set(learned)] } : {}),
    };
  });
  return { instances, vpcs, vgws };
}
