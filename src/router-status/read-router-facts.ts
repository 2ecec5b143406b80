/**
 * `/router status <router>`: the instance, its type and state, its load, who holds its
 * Elastic IP, the routes that point at it, and the run that holds it now. Read-only.
 * Each part is read on its own, so one failing read (SSH down) still leaves the others.
 */
import type { Cloud } from '../aws/index.js';
import type { Inventory } from '../config/inventory-schema.js';
import { describeError } from '../errors.js';
import type { LockHolder } from '../runbook/target-lock.js';
import type { LoadAverage } from '../vyos/types.js';

export interface RouterStatusDeps {
  inventory: Inventory;
  cloud: Pick<Cloud, 'describeInstance' | 'describeAddress' | 'describeRouteTables'>;
  routers: { router(name: string): { loadAverage(): Promise<LoadAverage> } };
  locks: { whoHolds(target: string): Promise<LockHolder | undefined> };
}

export interface RouterFactsReport {
  router: string;
  region: string;
  role: string;
  instance?: {
    id: string;
    type: string;
    state: string;
    privateIp?: string;
    networkInterfaceId?: string;
    sourceDestCheck?: boolean;
  };
  load5?: number;
  loadThreshold: number;
  elasticIp?: { publicIp: string; heldBy: string };
  routes: { table: string; destination: string; state: string }[];
  busyWith?: { runId: string; kind: string; requester: string; since: number };
  /** What could not be read, one line each. */
  problems: string[];
}

export async function readRouterFacts(
  deps: RouterStatusDeps,
  name: string,
): Promise<RouterFactsReport> {
  const entry = deps.inventory.routers[name]!;
  const report: RouterFactsReport = {
    router: name,
    region: entry.region,
    role: entry.role,
    loadThreshold: deps.inventory.monitor.loadThreshold,
    routes: [],
    problems: [],
  };
  const attempt = async (what: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (err) {
      report.problems.push(`${what}: ${describeError(err).split('\n')[0]}`);
    }
  };
  await Promise.all([
    attempt('EC2 instance', async () => {
      const i = await deps.cloud.describeInstance(entry.region, entry.instanceId);
      report.instance = {
        id: i.instanceId,
        type: i.type,
        state: i.state,
        ...(i.privateIp ? { privateIp: i.privateIp } : {}),
        ...(i.networkInterfaceId ? { networkInterfaceId: i.networkInterfaceId } : {}),
        sourceDestCheck: i.sourceDestCheck,
      };
    }),
    attempt('load (SSH)', async () => {
      report.load5 = (await deps.routers.router(name).loadAverage()).load5;
    }),
    attempt('current run', async () => {
      const holder = await deps.locks.whoHolds(name);
      if (holder)
        report.busyWith = {
          runId: holder.runId,
          kind: holder.kind,
          requester: holder.requester,
          since: holder.since,
        };
    }),
  ]);
  const eni = report.instance?.networkInterfaceId;
  await Promise.all([
    entry.elasticIp &&
      attempt('Elastic IP', async () => {
        const address = await deps.cloud.describeAddress(
          entry.region,
          entry.elasticIp!.allocationId,
        );
        const holder = Object.entries(deps.inventory.routers).find(
          ([, r]) => r.instanceId === address.instanceId,
        )?.[0];
        report.elasticIp = {
          publicIp: address.publicIp,
          heldBy: holder ?? address.instanceId ?? address.networkInterfaceId ?? 'nobody',
        };
      }),
    eni &&
      attempt('routes', async () => {
        const tables = await deps.cloud.describeRouteTables(entry.region, {
          networkInterfaceId: eni,
        });
        report.routes = tables.flatMap((t) =>
          t.routes
            .filter((r) => r.networkInterfaceId === eni)
            .map((r) => ({ table: t.id, destination: r.destination, state: r.state })),
        );
      }),
  ]);
  return report;
}

export function describeRouterFacts(r: RouterFactsReport): string {
  const lines = [`${r.router} (${r.role}, ${r.region})`];
  if (r.instance) {
    const { id, type, state, privateIp, sourceDestCheck } = r.instance;
    lines.push(
      `instance ${id} · ${type} · ${state}` +
        (privateIp ? ` · ${privateIp}` : '') +
        (sourceDestCheck ? ' · source/dest check ON (cannot forward)' : ''),
    );
  }
  if (r.load5 !== undefined)
    lines.push(`5-minute load ${r.load5.toFixed(2)} (scale-up threshold ${r.loadThreshold})`);
  if (r.elasticIp) lines.push(`Elastic IP ${r.elasticIp.publicIp} held by ${r.elasticIp.heldBy}`);
  lines.push(
    r.routes.length > 0
      ? `${r.routes.length} routes point at it: ${summarizeRoutes(r.routes)}`
      : 'no VPC route points at it',
  );
  lines.push(
    r.busyWith
      ? `busy: ${r.busyWith.runId} (${r.busyWith.kind} by <@${r.busyWith.requester}>)`
      : 'no run holds it',
  );
  for (const p of r.problems) lines.push(`could not read ${p}`);
  return lines.join('\n');
}

function summarizeRoutes(routes: RouterFactsReport['routes']): string {
  const shown = routes
    .slice(0, 12)
    .map((r) => `${r.destination}${r.state === 'blackhole' ? ' (blackhole)' : ''}`);
  return routes.length > 12
    ? `${shown.join(', ')} … and ${routes.length - 12} more`
    : shown.join(', ');
}
