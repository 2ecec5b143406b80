/**
 * The primary and its standby, from the inventory, for `/router failover|failback <primary>`.
 * Used by the command planner (answered in Slack at once) and again by the plan step (the
 * inventory may have changed in between). Every refusal names the fix.
 */
import { findRouter } from '../util/find-router.js';
import type { Inventory, RouterEntry } from '../config/inventory-schema.js';
import { BadInputError } from '../errors.js';
import type { FailoverDirection } from './failover-steps.js';

export interface RouterPair {
  primary: string;
  standby: string;
  primaryEntry: RouterEntry & { elasticIp: NonNullable<RouterEntry['elasticIp']> };
  standbyEntry: RouterEntry;
}

export function findRouterPair(
  inventory: Inventory,
  name: string,
  direction: FailoverDirection,
): RouterPair {
  const entry = findRouter(inventory.routers, name);
  if (entry.role === 'standby') {
    const primary = Object.entries(inventory.routers).find(([, r]) => r.standby === name)?.[0];
    // Both verbs name the pair by its primary: one lock, one history for the pair.
    throw new BadInputError(
      `${name} is a standby router: /router ${direction} names the primary`,
      primary
        ? `use /router ${direction} ${primary}`
        : `no router names ${name} as its standby; add ` +
            `routers.<primary>.standby: ${name} to the inventory`,
    );
  }
  if (!entry.standby) {
    throw new BadInputError(
      `${name} has no standby router, so there is nothing to ` +
        `${direction === 'failover' ? 'fail over to' : 'fail back from'}`,
      `add routers.${name}.standby: <name of a router with ` +
        `role: standby in ${entry.region}> to the inventory`,
    );
  }
  const standbyEntry = Object.hasOwn(inventory.routers, entry.standby)
    ? inventory.routers[entry.standby]
    : undefined;
  if (!standbyEntry)
    throw new BadInputError(
      `${name}'s standby ${entry.standby} is not in the inventory`,
      `add routers.${entry.standby} (role: standby), or fix routers.${name}.standby`,
    );
  if (standbyEntry.region !== entry.region) {
    throw new BadInputError(
      `${name} is in ${entry.region} but its standby ${entry.standby} is in ${standbyEntry.region}`,
      "a standby must share the primary's VPC to take over its routes and Elastic IP",
    );
  }
  if (!entry.elasticIp) {
    throw new BadInputError(
      `${name} has no Elastic IP in the inventory`,
      `add routers.${name}.elasticIp: { allocationId, publicIp }; ` +
        'the tunnels follow the Elastic IP, so a failover moves it',
    );
  }
  return {
    primary: name,
    standby: entry.standby,
    primaryEntry: { ...entry, elasticIp: entry.elasticIp },
    standbyEntry,
  };
}
