/**
 * One router read for reachability (and for `/vpn status`, which shares the reading): its
 * running configuration, its SAs, its routing table and, for each WireGuard interface its
 * configuration declares, the peers' handshakes. One session, commands in sequence.
 */
import type { ReachRouterClient } from './reach-ports.js';
import type { RouterReading } from './reach-state.js';
import { wireguardInterfaces } from './router-tables.js';

export interface ReadingOptions {
  /** Read `show ip route` (the monitor's quick probe does not need it). Default true. */
  routes?: boolean;
  /** Which WireGuard interfaces to ask about; default: every one the configuration declares. */
  wireguard?: string[];
}

export async function readRouterReading(
  client: ReachRouterClient,
  options: ReadingOptions = {},
): Promise<RouterReading> {
  const config = await client.runningConfig();
  const sas = await client.ipsecReport();
  const routes = options.routes === false ? [] : await client.ipRoutes();
  const wireguard = [];
  for (const iface of options.wireguard ?? wireguardInterfaces(config))
    wireguard.push(await client.wireguard(iface));
  return { config, sas, routes, wireguard };
}
