/**
 * The round's tunnel monitor (issue 13 item 5): for each site with a backup tunnel (inventory
 * `sites:`), which tunnel carries it, read from the router as an operator would: its running
 * configuration says which VTI each site peer binds and which `protocols failover` routes go
 * into them; `show ip route` says which one the router forwards by (vyos-failover.py adds its
 * next hops as kernel routes, `K>*` on the selected one; VyOS 1.4 has no `show` command of its
 * own for them, vyos-1x op-mode-definitions). The router switches by itself; the monitor posts
 * the switch and the switch-back (src/monitor/decide-tunnel.ts decides).
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { describeError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { decideTunnel, type TunnelReading } from '../src/monitor/decide-tunnel.js';
import type { IncidentThreads } from '../src/monitor/incident-thread.js';
import type { MonitorStore } from '../src/monitor/monitor-store.js';
import { readHubConfig } from '../src/onboarding/read-hub-config.js';
import type { StatusRouters } from '../src/status/status-ports.js';
import type { IpRoute } from '../src/vyos/types.js';

export interface TunnelRoundDeps {
  routers: StatusRouters;
  store: MonitorStore;
  incidents?: IncidentThreads;
  logger: Logger;
}

type Site = Pick<TunnelReading, 'site' | 'primary' | 'backup' | 'target'>;

/** What one router says about each site whose peers it holds (undefined: it holds none). */
async function readRouter(
  deps: TunnelRoundDeps,
  router: string,
  sites: Site[],
): Promise<Map<string, TunnelReading>> {
  const client = deps.routers.router(router);
  const hub = readHubConfig(await client.runningConfig());
  const vtiOf = (peer: string) => hub.ipsec.find((p) => p.name === peer)?.vti;
  const mine = sites.filter((s) => vtiOf(s.primary) || vtiOf(s.backup));
  const out = new Map<string, TunnelReading>();
  if (mine.length === 0) return out;
  const selected = (await client.ipRoutes()).filter((r) => r.protocol === 'kernel');
  for (const site of mine) {
    const vtis = [vtiOf(site.primary), vtiOf(site.backup)];
    const prefixes = [
      ...new Set(
        hub.failoverRoutes.filter((r) => r.via && vtis.includes(r.via)).map((r) => r.prefix),
      ),
    ];
    if (prefixes.length === 0) {
      const error = `${router} has no protocols failover route into ${vtis.join(' or ')}`;
      out.set(site.site, { ...site, router, error });
      continue;
    }
    const routes = prefixes.map((p) => selected.find((r) => r.prefix === p));
    const on = (vti: string | undefined) => (r: IpRoute | undefined) =>
      vti !== undefined && r?.iface === vti;
    const state = routes.every(on(vtis[0]))
      ? 'primary'
      : routes.some(on(vtis[1])) || routes.some(on(vtis[0]))
        ? 'backup'
        : 'down';
    const shown = routes.find((r) => r !== undefined);
    out.set(site.site, {
      ...site,
      router,
      state,
      ...(shown ? { detail: `${shown.prefix} via ${shown.nextHop ?? '?'}, ${shown.iface}` } : {}),
    });
  }
  return out;
}

/**
 * One reading per site: from the router where a tunnel carries it, else from one that holds
 * its peers (all say `down`), else an error (no healthy router holds them this round).
 */
export async function readSiteTunnels(
  deps: TunnelRoundDeps,
  inventory: Inventory,
  healthy: string[],
): Promise<TunnelReading[]> {
  const sites: Site[] = Object.entries(inventory.sites).map(([site, s]) => ({
    site,
    primary: site,
    backup: s.backup,
    target: s.target,
  }));
  if (sites.length === 0) return [];
  const readings = await Promise.all(
    healthy.map(async (router) => {
      try {
        return await readRouter(deps, router, sites);
      } catch (err) {
        deps.logger.warn({ err, router }, 'monitor: could not read the failover routes');
        return new Map<string, TunnelReading>();
      }
    }),
  );
  return sites.map((site) => {
    const all = readings.flatMap((m) => m.get(site.site) ?? []);
    return (
      all.find((r) => r.state !== undefined && r.state !== 'down') ??
      all.find((r) => r.state === 'down') ??
      all[0] ?? {
        ...site,
        error: `no healthy router holds ${site.primary} or ${site.backup} this round`,
      }
    );
  });
}

/** Reads, decides and alerts; returns the sites whose tunnel changed this round. */
export async function tunnelStep(
  deps: TunnelRoundDeps,
  input: { inventory: Inventory; healthy: string[]; now: number },
): Promise<string[]> {
  if (Object.keys(input.inventory.sites).length === 0) return [];
  try {
    const [readings, watches] = await Promise.all([
      readSiteTunnels(deps, input.inventory, input.healthy),
      deps.store.tunnelWatches(),
    ]);
    const changed: string[] = [];
    for (const reading of readings) {
      const decision = decideTunnel(watches[reading.site], reading, input.now);
      let watch = decision.watch;
      if (!watch) continue;
      if (decision.changed && watch.incident && deps.incidents)
        watch = { ...watch, incident: await deps.incidents.sync(watch.incident) };
      if (decision.changed) changed.push(reading.site);
      watches[reading.site] = watch;
    }
    await deps.store.saveTunnelWatches(watches);
    return changed;
  } catch (err) {
    // The router monitor's round must not fail for the tunnel monitor's sake.
    deps.logger.error(
      { err },
      `monitor: the tunnel monitor failed: ${describeError(err).split('\n')[0]}`,
    );
    return [];
  }
}
