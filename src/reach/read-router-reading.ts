/**
 * One router read for reachability (and for `/vpn status`, which shares the reading): its
 * running configuration, its SAs, its routing table and, for each WireGuard interface its
 * configuration declares, the peers' handshakes. One session, commands in sequence.
 */
import type { ReachRouterClient } from './reach-ports.js';
import type { RouterReading } from './reach-state.js';
import { wireguardInterfaces } from './router-tables.js';

export async function readRouterReading(client: ReachRouterClient): Promise<RouterReading> {
  const config = await client.runningConfig();
  const sas = await client.ipsecReport();
  const routes = await client.ipRoutes();
  const wireguard = [];
  for (const iface of wireguardInterfaces(config)) wireguard.push(await client.wireguard(iface));
  return { config, sas, routes, wireguard };
}
