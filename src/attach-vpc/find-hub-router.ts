/**
 * The hub router that terminates AWS VPN connections: the inventory's `hub` router in the hub
 * region that owns the Elastic IP (its standby never has one of its own).
 */
import type { Inventory, RouterEntry } from '../config/inventory-schema.js';
import { InventoryError } from '../errors.js';

export interface HubRouter {
  name: string;
  entry: RouterEntry & { elasticIp: NonNullable<RouterEntry['elasticIp']> };
  asn: number;
}

export function findHubRouter(inventory: Inventory): HubRouter {
  const hubs = Object.entries(inventory.routers).filter(
    ([, r]) => r.role === 'hub' && r.elasticIp !== undefined,
  );
  const [name, entry] = hubs.find(([, r]) => r.region === inventory.hub.region) ?? hubs[0] ?? [];
  if (!name || !entry?.elasticIp) {
    throw new InventoryError(
      'the inventory names no hub router with an Elastic ' +
        'IP, so there is nothing to attach a VPC to',
      `give the hub router in ${inventory.hub.region} ` +
        'role: hub and elasticIp: { allocationId, publicIp }',
    );
  }
  return {
    name,
    entry: { ...entry, elasticIp: entry.elasticIp },
    asn: entry.asn ?? inventory.hub.asn,
  };
}
