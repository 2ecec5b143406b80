/**
 * Resolve every router of the inventory from the truth, for one run: the router facts in
 * Redis (which instance a cutover put in place, and its pinned host key) over the inventory,
 * checked against EC2 (state, addresses) with one tag query per region. Read per run, not per
 * process: a replacement or a failover made by any worker is seen by the next run anywhere.
 * EC2 being slow or down does not stop a run: the snapshot says which facts it could not read.
 */
import type { Cloud } from '../aws/cloud.js';
import type { RouterInstance } from '../aws/types.js';
import type { Inventory, RouterEntry } from '../config/inventory-schema.js';
import { describeError } from '../errors.js';
import type { RouterFacts, RouterFactsStore } from '../scaleup/router-facts.js';
import type { ResolvedRouter, RouterSnapshot } from './router-snapshot.js';

export interface ResolveRoutersDeps {
  inventory: Inventory;
  cloud: Pick<Cloud, 'findRouterInstances'>;
  routerFacts: Pick<RouterFactsStore, 'snapshot'>;
  clock: () => number;
  /** How long one region's EC2 answer may take before the run goes on without it. */
  ec2TimeoutMs: number;
}

/**
 * Facts from another inventory (another account, a rebuilt simulator) must not redirect this one.
 */
export function factsApply(entry: RouterEntry, known: RouterFacts | undefined): boolean {
  return (
    known !== undefined &&
    (known.instanceId === entry.instanceId || known.replaces.includes(entry.instanceId))
  );
}

export async function resolveRouters(deps: ResolveRoutersDeps): Promise<RouterSnapshot> {
  const { version, facts } = await deps.routerFacts.snapshot();
  const routers = Object.entries(deps.inventory.routers);
  const regions = [...new Set(routers.map(([, r]) => r.region))];
  const current = (name: string, entry: RouterEntry): RouterFacts | undefined =>
    factsApply(entry, facts[name]) ? facts[name] : undefined;

  const problems: string[] = [];
  const seen = new Map<string, RouterInstance[] | undefined>();
  await Promise.all(
    regions.map(async (region) => {
      const inRegion = routers.filter(([, r]) => r.region === region);
      try {
        const found = await withTimeout(
          deps.cloud.findRouterInstances(region, {
            names: inRegion.map(([name]) => name),
            instanceIds: inRegion.map(([n, r]) => current(n, r)?.instanceId ?? r.instanceId),
          }),
          deps.ec2TimeoutMs,
          `EC2 in ${region} did not answer within ${deps.ec2TimeoutMs} ms`,
        );
        seen.set(region, found);
      } catch (err) {
        seen.set(region, undefined);
        problems.push(
          `EC2 in ${region} could not be read (${describeError(err)}): ` +
            `its routers are as flatnet last knew them`,
        );
      }
    }),
  );

  const resolved: Record<string, ResolvedRouter> = {};
  for (const [name, entry] of routers) {
    const known = current(name, entry);
    const instances = seen.get(entry.region);
    const router = describeRouter(name, entry, known, instances);
    resolved[name] = router.resolved;
    if (router.problem) problems.push(router.problem);
  }
  return { resolvedAt: deps.clock(), factsVersion: version, problems, routers: resolved };
}

/** One router from what flatnet knows and what EC2 shows (undefined: EC2 was not read). */
export function describeRouter(
  name: string,
  entry: RouterEntry,
  known: RouterFacts | undefined,
  instances: RouterInstance[] | undefined,
): { resolved: ResolvedRouter; problem?: string } {
  const instanceId = known?.instanceId ?? entry.instanceId;
  const ssh = known
    ? { host: known.sshHost, port: known.sshPort, hostKey: known.hostKey }
    : { host: entry.ssh.host, port: entry.ssh.port, hostKey: entry.ssh.hostKey };
  const base = {
    instanceId,
    ssh,
    source: known ? ('replacement' as const) : ('inventory' as const),
    ...(known ? { replacedBy: known.runId } : {}),
  };
  if (!instances) {
    return {
      resolved: {
        ...base,
        state: 'unknown',
        privateIp: known?.privateIp ?? null,
        publicIp: null,
        networkInterfaceId: known?.networkInterfaceId ?? null,
        type: known?.type ?? null,
      },
    };
  }
  const instance = instances.find((i) => i.instanceId === instanceId);
  const resolved: ResolvedRouter = {
    ...base,
    state: instance?.state ?? 'missing',
    privateIp: instance?.privateIp || null,
    publicIp: instance?.publicIp ?? null,
    networkInterfaceId: instance?.networkInterfaceId || null,
    type: instance?.type ?? null,
  };
  if (instance?.state === 'running' || instance?.state === 'pending') return { resolved };
  // The router flatnet knows is not running: is another instance carrying its name? Only a
  // hint: flatnet never adopts an instance whose host key it has not pinned.
  const other = instances.find(
    (i) =>
      i.instanceId !== instanceId &&
      i.tags['Name'] === name &&
      i.state === 'running' &&
      !i.tags['flatnet:replaced-by'] &&
      !i.tags['flatnet:abandoned-by'],
  );
  const where = known
    ? `the router facts (run ${known.runId})`
    : `routers.${name}.instanceId in the inventory`;
  const state = instance ? `is ${instance.state}` : 'does not exist in EC2';
  return {
    resolved,
    problem:
      `${name}: ${instanceId} (from ${where}) ${state}` +
      (other
        ? `; ${other.instanceId} runs with Name=${name}: if it is the router now, set ` +
          `routers.${name}.instanceId and ssh (host, hostKey) in the inventory`
        : ''),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
