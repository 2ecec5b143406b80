/**
 * Which pair `/vpn sync-standby [router]` means: the primary named, the primary of the standby
 * named (an operator looking at a drifted standby names it), or, with no name, the one primary
 * of the inventory that has a standby. Answered by the planner at once, and again by the plan
 * step (the inventory may have been reloaded in between).
 */
import type { Inventory } from '../config/inventory-schema.js';
import { BadInputError } from '../errors.js';
import { findRouter } from '../util/find-router.js';
import { findRouterPair, type RouterPair } from './find-router-pair.js';

export function findStandbyPair(inventory: Inventory, name?: string): RouterPair {
  const routers = Object.entries(inventory.routers);
  if (name === undefined) {
    const primaries = routers.filter(([, r]) => r.standby !== undefined).map(([n]) => n);
    if (primaries.length !== 1)
      throw new BadInputError(
        primaries.length === 0
          ? 'no router of the inventory has a standby, so there is nothing to keep in step'
          : `${primaries.length} routers have a standby (${primaries.join(', ')}): say which pair`,
        primaries.length === 0
          ? 'add routers.<primary>.standby: <router with role: standby> to the inventory'
          : `usage: /vpn sync-standby <router> — e.g. /vpn sync-standby ${primaries[0]}`,
      );
    return findRouterPair(inventory, primaries[0]!, 'failover');
  }
  const entry = findRouter(inventory.routers, name);
  if (entry.role === 'standby') {
    const primary = routers.find(([, r]) => r.standby === name)?.[0];
    if (!primary)
      throw new BadInputError(
        `no router names ${name} as its standby`,
        `add routers.<primary>.standby: ${name} to the inventory`,
      );
    return findRouterPair(inventory, primary, 'failover');
  }
  if (!entry.standby)
    throw new BadInputError(
      `${name} has no standby router, so there is no standby to keep in step`,
      `add routers.${name}.standby: <router with role: ` +
        `standby in ${entry.region}> to the inventory`,
    );
  return findRouterPair(inventory, name, 'failover');
}
