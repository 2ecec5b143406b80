import type { Inventory } from '../config/inventory-schema.js';
import type { PoolRef, RouterAddresses } from './address-pool.js';
import { wireguardSettings } from './render-client-files.js';
import type { HubConfig } from './read-hub-config.js';

export function poolRefOf(inventory: Inventory, router: string): PoolRef {
  const wg = wireguardSettings(router, inventory.routers[router]!);
  return { router, iface: wg.interface, pool: wg.pool };
}

/** Every address the router's WireGuard interface already uses: peers' allowed-ips and its own. */
export function routerAddressesOf(hub: HubConfig): RouterAddresses {
  return {
    peerPrefixes: hub.wireguard.peers.flatMap((p) => p.allowedIps),
    interfaceAddresses: hub.wireguard.addresses,
  };
}
