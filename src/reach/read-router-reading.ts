/**
 * One router read for reachability (and for `/vpn status`, which shares the reading): its
 * running configuration, its SAs, its routing table and, for each WireGuard interface its
 * configuration declares, the peers' handshakes. One session, and on a client that can, one
 * round trip: every command typed at once.
 */
import type { BgpSummary, LoadAverage } from '../vyos/types.js';
import type { ReachRouterClient } from './reach-ports.js';
import type { RouterReading } from './reach-state.js';
import { wireguardInterfaces } from './router-tables.js';

export interface ReadingOptions {
  /** Read `show ip route` (the monitor's quick probe does not need it). Default true. */
  routes?: boolean;
  /** Which WireGuard interfaces to ask about; default: every one the configuration declares. */
  wireguard?: readonly string[];
  /**
   * Without `wireguard`: the interfaces expected (the inventory's), asked in the same round
   * trip; one the configuration declares beyond them costs a second.
   */
  expectWireguard?: readonly string[];
}

/** What `/vpn status` reads besides the reading, in the same round trip. */
export interface StatusExtras {
  bgpSummary(): Promise<BgpSummary | null>;
  loadAverage(): Promise<LoadAverage>;
}

export async function readRouterReading(
  client: ReachRouterClient,
  options: ReadingOptions = {},
): Promise<RouterReading> {
  return (await readRouterReadingWith(client, options)).reading;
}

/** The reading and, when asked (`status`), BGP and load: one exchange on a pooled client. */
export async function readRouterReadingWith(
  client: ReachRouterClient & Partial<StatusExtras>,
  options: ReadingOptions,
  status = false,
): Promise<{ reading: RouterReading; bgp?: BgpSummary | null; load?: LoadAverage }> {
  const routesWanted = options.routes !== false;
  if (!client.readAtOnce) return readOneByOne(client, options, status);
  const first = await client.readAtOnce({
    config: true,
    sas: true,
    routes: routesWanted,
    bgp: status,
    load: status,
    wireguard: options.wireguard ?? options.expectWireguard ?? [],
  });
  const config = first.config ?? [];
  const wireguard = [...first.wireguard];
  if (!options.wireguard) {
    const missing = wireguardInterfaces(config).filter(
      (i) => !wireguard.some((w) => w.interface === i),
    );
    if (missing.length > 0)
      wireguard.push(...(await client.readAtOnce({ wireguard: missing })).wireguard);
  }
  return {
    reading: { config, sas: first.sas!, routes: first.routes ?? [], wireguard },
    ...(status ? { bgp: first.bgp ?? null, load: first.load! } : {}),
  };
}

async function readOneByOne(
  client: ReachRouterClient & Partial<StatusExtras>,
  options: ReadingOptions,
  status: boolean,
): Promise<{ reading: RouterReading; bgp?: BgpSummary | null; load?: LoadAverage }> {
  const config = await client.runningConfig();
  const sas = await client.ipsecReport();
  const routes = options.routes === false ? [] : await client.ipRoutes();
  const wireguard = [];
  for (const iface of options.wireguard ?? wireguardInterfaces(config))
    wireguard.push(await client.wireguard(iface));
  const reading = { config, sas, routes, wireguard };
  if (!status || !client.bgpSummary || !client.loadAverage) return { reading };
  return { reading, bgp: await client.bgpSummary(), load: await client.loadAverage() };
}
