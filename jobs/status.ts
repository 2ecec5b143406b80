/**
 * /vpn status: every router in parallel over SSH plus every region's AWS VPN telemetry, in
 * one report with problems first. A router that does not answer is a red line, never a hang:
 * each router has its own timeout and the fan-out is bounded.
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { BadInputError } from '../src/errors.js';
import type { RouterStatus, StatusReport } from '../src/report/status-report.js';
import { compareStandbyConfig } from '../src/vyos/compare-standby-config.js';
import type { ConfigLine } from '../src/vyos/types.js';
import { STATUS_STEPS } from '../src/report/status-report-of.js';
import { defineStep } from '../src/runbook/define-step.js';
import type { Runbook } from '../src/runbook/types.js';
import { findProblems } from '../src/status/find-problems.js';
import { readRegionTelemetry } from '../src/status/read-region-telemetry.js';
import { readRouterStatusAndReading } from '../src/status/read-router-status.js';
import { describeReachHeadline } from '../src/reach/describe-reach.js';
import { summarizeReachInSlices } from '../src/reach/judge-reach.js';
import type { ReachCloud } from '../src/reach/reach-ports.js';
import type { ReachState } from '../src/reach/reach-state.js';
import type { ReachSummary } from '../src/report/reach-report.js';
import { rememberReachSummary } from '../src/reach/remember-reach-summary.js';
import { assembleReachState, readReachCloud } from '../src/reach/read-reach-state.js';
import type { StatusCloud, StatusRouters } from '../src/status/status-ports.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import { mapBounded } from '../src/util/map-bounded.js';
import { shareVpnConnections } from '../src/status/share-vpn-connections.js';
import {
  createShaperMemory,
  createShaperReadingStore,
  type ShaperMemory,
} from '../src/status/remember-shaper-samples.js';
import type { RedisClient } from '../src/util/redis-client.js';

export interface StatusDeps {
  inventory: Inventory;
  routers: StatusRouters;
  cloud: StatusCloud;
  /** How many routers are read at once. */
  statusConcurrency?: number;
  /**
   * Each router's instance as EC2 said when the run was planned (the run's router snapshot):
   * its state for the report, its private address for the standby drift check. Absent (the
   * monitor's probe): neither is reported.
   */
  instances?: Record<string, { instanceId: string; state: string; privateIp: string | null }>;
}

/** `*`, a region, or a router: which routers and regions a status run covers. */
export function statusScope(
  inventory: Inventory,
  scope: string,
): { routers: string[]; regions: string[] } {
  const all = Object.keys(inventory.routers);
  if (scope === '*') return { routers: all, regions: Object.keys(inventory.regions) };
  if (inventory.regions[scope])
    return { routers: all.filter((r) => inventory.routers[r]!.region === scope), regions: [scope] };
  const router = inventory.routers[scope];
  if (router) return { routers: [scope], regions: [router.region] };
  throw new BadInputError(
    `${scope} is neither a region nor a router of this inventory`,
    `regions: ${Object.keys(inventory.regions).join(', ')}; routers: ${all.join(', ')}`,
  );
}

/**
 * With `reachCloud` and the whole network in scope, the report starts with reachability:
 * every ordered pair judged as `/vpn reach` does, from the same router readings (each router
 * is read once) and EC2 read beside them. The monitor's probe leaves it out.
 */
export async function collectStatus(
  deps: StatusDeps,
  scope: string,
  now = Date.now(),
  reachCloud?: ReachCloud,
  judgeReach: (state: ReachState) => ReachSummary | Promise<ReachSummary> = summarizeReachInSlices,
  shapers?: ShaperMemory,
): Promise<StatusReport> {
  const { inventory } = deps;
  const covered = statusScope(inventory, scope);
  const timeoutMs = inventory.timeouts.statusPerRouterMs;
  const configs = new Map<string, ConfigLine[]>();
  const forReach = reachCloud !== undefined && scope === '*';
  // One cloud for both (the runbook's): the telemetry and the reach read share each answer.
  const shared =
    forReach && (reachCloud as unknown) === deps.cloud
      ? shareVpnConnections(reachCloud)
      : undefined;
  const telemetryCloud = shared ?? deps.cloud;
  // The shapers' last readings first: which interfaces to ask, in the same round trip.
  await shapers?.recall(covered.routers);
  const [read, regions, cloud] = await Promise.all([
    mapBounded(covered.routers, deps.statusConcurrency ?? 64, async (name) => {
      const instance = deps.instances?.[name];
      const { status, reading } = await readRouterStatusAndReading({
        name,
        entry: inventory.routers[name]!,
        routers: deps.routers,
        timeoutMs,
        loadThreshold: inventory.monitor.loadThreshold,
        keepConfig: (lines) => configs.set(name, lines),
        forReach,
        ...(shapers ? { shapers } : {}),
      });
      return {
        reading,
        status: instance
          ? { ...status, instance: { id: instance.instanceId, state: instance.state } }
          : status,
      };
    }),
    mapBounded(covered.regions, 8, (region) =>
      readRegionTelemetry(region, telemetryCloud, timeoutMs),
    ),
    forReach ? readReachCloud({ inventory, cloud: shared ?? reachCloud }) : undefined,
  ]);
  await shapers?.keep();
  const routers = read.map((r) => r.status);
  markDriftedStandbys(inventory, routers, configs, deps.instances ?? {});
  const reach = cloud
    ? await judgeReach(
        assembleReachState(
          inventory,
          new Map(covered.routers.map((name, i) => [name, read[i]!.reading])),
          cloud,
        ),
      )
    : undefined;
  return {
    scope,
    generatedAt: now,
    routers,
    regions,
    problems: findProblems({ scope, generatedAt: now, routers, regions, problems: [] }),
    ...(reach ? { reach } : {}),
  };
}

/**
 * A standby whose configuration differs from its primary's gets `drift` (both read, both addresses
 * known).
 */
function markDriftedStandbys(
  inventory: Inventory,
  routers: RouterStatus[],
  configs: Map<string, ConfigLine[]>,
  instances: NonNullable<StatusDeps['instances']>,
): void {
  for (const [primary, entry] of Object.entries(inventory.routers)) {
    const standby = entry.standby;
    const status = routers.find((r) => r.router === standby);
    const primaryLines = configs.get(primary);
    const standbyLines = standby ? configs.get(standby) : undefined;
    const primaryIp = instances[primary]?.privateIp;
    const standbyIp = standby ? instances[standby]?.privateIp : undefined;
    if (!status || !primaryLines || !standbyLines || !primaryIp || !standbyIp) continue;
    const { change } = compareStandbyConfig(primaryLines, standbyLines, { primaryIp, standbyIp });
    if (change.length > 0) status.drift = { primary, lines: change.length };
  }
}

/**
 * The status runbook reads EC2 for reachability too: its cloud has the reach reads. The shapers'
 * readings are kept in Redis, for every worker's next run.
 */
export type StatusRunDeps = StatusDeps & {
  cloud: StatusCloud & ReachCloud;
  redis: RedisClient;
  prefix: string;
};

export function createStatusRunbook(): Runbook<StatusRunDeps> {
  // A worker's status runs judge reachability again only when the network changed.
  const judgeReach = rememberReachSummary(summarizeReachInSlices);
  // ... and judge the shapers' load against their previous reading (a rate needs two), kept in
  // Redis so that any worker's run compares with the last one.
  const shapersOf = ({ redis, prefix }: StatusRunDeps): ShaperMemory =>
    createShaperMemory(createShaperReadingStore(redis, prefix));
  return {
    kind: 'status',
    steps: [
      defineStep(STATUS_STEPS.collect, {
        title: 'Read every router and region',
        async run(ctx) {
          const report = await collectStatus(
            ctx.deps,
            ctx.run.target,
            Date.now(),
            ctx.deps.cloud,
            judgeReach,
            shapersOf(ctx.deps),
          );
          const down = report.problems.filter((p) => p.severity === 'down').length;
          const reach = report.reach ? `${describeReachHeadline(report.reach)}; ` : '';
          return {
            result: report,
            detail:
              `${reach}${report.routers.length} routers, ${report.regions.length} ` +
              `regions, ${report.problems.length} problems (${down} down)`,
          };
        },
      }),
    ],
    summarize(run) {
      return run.steps[0]?.detail ?? 'status collected';
    },
  };
}

/**
 * How `/vpn status [scope]` becomes a run: anyone may ask; an unknown scope is refused with the
 * choices.
 */
export const statusPlanner: RunRequestPlanner = {
  plan(command, { inventory }) {
    const scope = command.kind === 'status' && command.scope ? command.scope : '*';
    statusScope(inventory, scope);
    return { kind: 'status', target: scope, params: {}, dryRun: false };
  },
};
