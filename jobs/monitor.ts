/**
 * The monitor's round: probe every router in parallel (the same readers as /vpn status,
 * with the monitor's short timeout), decide per router (src/monitor/decide-router.ts), ask
 * for failovers through the ordinary failover runbook as the requester `flatnet-monitor`,
 * follow those runs to their end, and keep one Slack thread per incident up to date.
 * BullMQ's job scheduler runs it (src/monitor/monitor-scheduler.ts); tests call it directly.
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { describeError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { decideRouter } from '../src/monitor/decide-router.js';
import type { IncidentThreads } from '../src/monitor/incident-thread.js';
import type { MonitorStore } from '../src/monitor/monitor-store.js';
import { submitUnderClaim, type RunClaim } from '../src/monitor/submit-under-claim.js';
import {
  NEW_WATCH,
  type Incident,
  type RoundSummary,
  type RouterProbe,
  type RouterWatch,
} from '../src/monitor/monitor-types.js';
import type { RunSubmitter, SubmitInput } from '../src/runbook/run-request.js';
import { FINAL_STATUSES, type Run } from '../src/runbook/types.js';
import type { StatusCloud, StatusRouters } from '../src/status/status-ports.js';
import { MONITOR_REQUESTER, policyApproval } from './monitor-approval.js';
import { scaleStep } from './monitor-scale.js';
import { tunnelStep } from './monitor-tunnels.js';
import { collectStatus, type StatusDeps } from './status.js';
import { readRegionTelemetry } from '../src/status/read-region-telemetry.js';
import { mapBounded } from '../src/util/map-bounded.js';

export { MONITOR_REQUESTER } from './monitor-approval.js';

export interface MonitorDeps {
  /** The inventory and routers as they are now (router facts resolved from the truth). */
  current(): Promise<{
    inventory: Inventory;
    routers: StatusRouters;
    /** Each router's instance type as EC2 reports it (scale proposals need its rung). */
    types?: Record<string, string | null>;
    /**
     * Hands this round's picture of the routers to a run about to be submitted with this id,
     * so the failover does not ask EC2 again what the round has just read.
     */
    handOver?: (runId: string) => Promise<void>;
  }>;
  cloud: StatusCloud;
  store: MonitorStore;
  engine: RunSubmitter & { get(runId: string): Promise<Run | undefined> };
  incidents?: IncidentThreads;
  logger: Logger;
  clock?: () => number;
}

export type RoundOutcome =
  | {
      ran: true;
      summary: RoundSummary;
      failovers: string[];
      scaleProposals: string[];
      /** Sites with a backup tunnel whose carrying tunnel changed (jobs/monitor-tunnels.ts). */
      tunnelsSwitched: string[];
    }
  | { ran: false; reason: string };

export async function runMonitorRound(deps: MonitorDeps, tick: string): Promise<RoundOutcome> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  const { inventory, routers, types = {}, handOver } = await deps.current();
  const settings = inventory.monitor;
  const lockMs = Math.max(30_000, settings.intervalSeconds * 3000);
  if (!(await deps.store.lockRound(tick, lockMs)))
    return { ran: false, reason: 'the previous round is still running' };
  try {
    return await probeAndDecide({ ...deps, handOver }, tick, startedAt, inventory, routers, types);
  } finally {
    await deps.store.unlockRound(tick);
  }
}

/**
 * The `/vpn status` readers as the monitor probes with them: the routers only (the VGW
 * telemetry is read beside them but awaited after the decisions, since no failover waits for
 * it: it is one EC2 round trip of the failure's outage), each within `probeTimeoutMs`,
 * `probeConcurrency` at once.
 */
export function probeStatusDeps(
  inventory: Inventory,
  routers: StatusRouters,
  cloud: StatusCloud,
): StatusDeps {
  const { probeTimeoutMs, probeConcurrency } = inventory.monitor;
  return {
    inventory: {
      ...inventory,
      regions: {},
      timeouts: { ...inventory.timeouts, statusPerRouterMs: probeTimeoutMs },
    },
    routers,
    cloud,
    statusConcurrency: probeConcurrency,
  };
}

/** The monitor's deps, with this round's hand-over of its router picture. */
type RoundDeps = MonitorDeps & { handOver?: (runId: string) => Promise<void> };

async function probeAndDecide(
  deps: RoundDeps,
  tick: string,
  startedAt: number,
  inventory: Inventory,
  routers: StatusRouters,
  types: Record<string, string | null>,
): Promise<RoundOutcome> {
  const clock = deps.clock ?? Date.now;
  const settings = inventory.monitor;
  const names = Object.keys(inventory.routers);
  const telemetry = mapBounded(Object.keys(inventory.regions), 8, (region) =>
    readRegionTelemetry(region, deps.cloud, settings.probeTimeoutMs),
  );
  const [report, watches, pauses] = await Promise.all([
    collectStatus(probeStatusDeps(inventory, routers, deps.cloud), '*', startedAt),
    deps.store.watches(),
    deps.store.pauses(names),
  ]);
  const now = clock();
  const probes = new Map<string, RouterProbe>(
    report.routers.map((r) => [
      r.router,
      {
        router: r.router,
        healthy: r.reachable,
        ...(r.error ? { error: r.error } : {}),
        ...(r.load5 !== undefined ? { load5: r.load5 } : {}),
        tunnelsDown: r.tunnels
          .filter((t) => t.kind !== 'wireguard' && t.state === 'down')
          .map((t) => t.name),
        tunnelsUp: r.tunnels.filter((t) => t.kind !== 'wireguard' && t.state === 'up').length,
      },
    ]),
  );

  const next: Record<string, RouterWatch> = {};
  const changed: string[] = [];
  const failovers: string[] = [];
  const scaleProposals: string[] = [];
  for (const name of names) {
    const probe = probes.get(name)!;
    const entry = inventory.routers[name]!;
    const watch = await followFailoverRun(deps, watches[name] ?? NEW_WATCH, now);
    const standbyProbe = entry.standby ? probes.get(entry.standby) : undefined;
    const decision = decideRouter({
      watch: watch.watch,
      probe,
      settings,
      now,
      paused: pauses[name] !== undefined,
      judgeTunnels:
        entry.standby !== undefined &&
        entry.role !== 'standby' &&
        [...probes.values()].every((p) => p.router === name || p.healthy),
      ...(entry.standby && entry.role !== 'standby'
        ? {
            standby: {
              name: entry.standby,
              healthy: standbyProbe?.healthy ?? false,
              ...(standbyProbe?.error ? { error: standbyProbe.error } : {}),
            },
          }
        : {}),
    });
    let result = decision.watch;
    if (decision.failover && result.incident) {
      const { incident, submitted } = await askForFailover(deps, inventory, result.incident);
      result = { ...result, incident };
      if (incident.failover === 'blocked') {
        // Not submitted: no cooldown starts, the next round tries again.
        if (watch.watch.lastFailoverAt === undefined) delete result.lastFailoverAt;
        else result.lastFailoverAt = watch.watch.lastFailoverAt;
      } else if (submitted) failovers.push(name);
    }
    const scaled = await scaleStep(deps, {
      inventory,
      name,
      watch: result,
      probe,
      now,
      paused: pauses[name] !== undefined,
      type: types[name],
    });
    if (scaled.proposed) scaleProposals.push(scaled.proposed);
    next[name] = scaled.watch;
    if (decision.changed || watch.changed) changed.push(name);
  }

  const tunnelsSwitched = await tunnelStep(
    { ...deps, routers },
    {
      inventory,
      healthy: names.filter((n) => probes.get(n)!.healthy),
      now,
    },
  );
  for (const name of changed) {
    const incident = next[name]!.incident;
    if (incident && deps.incidents)
      next[name] = { ...next[name]!, incident: await deps.incidents.sync(incident) };
  }
  await deps.store.saveWatches(next);
  const regions = await telemetry;
  const summary: RoundSummary = {
    tick,
    startedAt,
    finishedAt: clock(),
    routers: names.map((name) => ({
      router: name,
      healthy: probes.get(name)!.healthy,
      failures: next[name]!.failures,
      ...(probes.get(name)!.load5 !== undefined ? { load5: probes.get(name)!.load5! } : {}),
      ...(probes.get(name)!.error ? { error: probes.get(name)!.error! } : {}),
    })),
    regions: regions.map((r) => ({
      region: r.region,
      tunnelsDown: r.tunnels.filter((t) => t.state === 'down').length,
      ...(r.error ? { error: r.error } : {}),
    })),
    openIncidents: names.filter(
      (n) => next[n]!.incident && next[n]!.incident!.resolvedAt === undefined,
    ),
    paused: Object.keys(pauses),
  };
  await deps.store.recordRound(summary);
  return { ran: true, summary, failovers, scaleProposals, tunnelsSwitched };
}

/** An incident whose failover run was submitted: once the run ends, say how it went. */
async function followFailoverRun(
  deps: MonitorDeps,
  watch: RouterWatch,
  now: number,
): Promise<{ watch: RouterWatch; changed: boolean }> {
  const incident = watch.incident;
  if (!incident?.runId || incident.failover !== 'submitted') return { watch, changed: false };
  const run = await deps.engine.get(incident.runId);
  if (!run || !FINAL_STATUSES.includes(run.status)) return { watch, changed: false };
  const ok = run.status === 'succeeded';
  const updated: Incident = {
    ...incident,
    failover: ok ? 'done' : 'failed',
    timeline: [
      ...incident.timeline,
      {
        at: now,
        what: ok ? 'verified' : 'failed',
        text: ok
          ? `failover ${run.id} succeeded: ${run.outcome ?? 'the standby forwards'}`
          : `failover ${run.id} ended ${run.status}: ${run.error ?? run.outcome ?? ''}`.trim(),
      },
    ],
  };
  return { watch: { ...watch, incident: updated }, changed: true };
}

/**
 * Submits the failover through the engine like a person would: the same runbook, lock,
 * plan and approval. `auto` runs without approval; `approve` asks the failover policy's
 * approvers. A round re-run after a crash finds the incident's claim and does not ask twice.
 */
async function askForFailover(
  deps: RoundDeps,
  inventory: Inventory,
  incident: Incident,
): Promise<{ incident: Incident; submitted: boolean }> {
  const now = (deps.clock ?? Date.now)();
  const claim: RunClaim = {
    take: (runId) => deps.store.claimFailover(incident.id, runId),
    record: (runId) => deps.store.recordFailoverRun(incident.id, runId),
    release: () => deps.store.releaseFailover(incident.id),
  };
  try {
    const asked = await submitUnderClaim(claim, (runId) =>
      submitFailover(deps, inventory, incident, runId),
    );
    if ('unknown' in asked) return { incident, submitted: false };
    const acted = (runId: string, text: string, submitted: boolean) => ({
      incident: {
        ...incident,
        failover: 'submitted' as const,
        runId,
        timeline: [...incident.timeline, { at: now, what: 'acted' as const, text }],
      },
      submitted,
    });
    // A round whose worker stopped before saving submitted it: follow that run.
    if ('adopted' in asked)
      return acted(
        asked.adopted,
        `failover ${asked.adopted} submitted (by an earlier round)`,
        false,
      );
    const { id } = asked.submitted;
    const text =
      (incident.policy === 'approve'
        ? `failover ${id} submitted; it waits for approval once its plan is ready`
        : `failover ${id} submitted`) +
      (asked.again ? ' (claimed by an earlier round that stopped before recording it)' : '');
    return acted(id, text, true);
  } catch (err) {
    deps.logger.warn({ err, incident: incident.id }, 'monitor: could not submit the failover');
    const why = describeError(err).split('\n')[0];
    const text = `could not submit the failover: ${why}; retried next round`;
    return {
      incident: {
        ...incident,
        failover: 'blocked',
        timeline: [...incident.timeline, { at: now, what: 'blocked', text }],
      },
      submitted: false,
    };
  }
}

/** The failover run, under the run id its claim names, handed this round's router picture. */
async function submitFailover(
  deps: RoundDeps,
  inventory: Inventory,
  incident: Incident,
  runId: string,
): Promise<Run> {
  const input: SubmitInput = {
    kind: 'failover',
    target: incident.router,
    params: {},
    requester: MONITOR_REQUESTER,
    origin: { kind: 'slack', channel: inventory.slack.channel },
    dryRun: false,
    runId,
    ...(incident.policy === 'approve'
      ? {
          approval: policyApproval(
            inventory,
            'failover',
            `set monitor.routers.${incident.router}.failover: auto`,
          ),
        }
      : {}),
  };
  // Nothing waits on the hand-over's failure: the run then resolves its own picture.
  await deps
    .handOver?.(runId)
    .catch((err: unknown) =>
      deps.logger.warn({ err, incident: incident.id }, 'monitor: could not hand over the routers'),
    );
  return deps.engine.submit(input);
}
