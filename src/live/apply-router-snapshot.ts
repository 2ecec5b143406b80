/**
 * What a run's runbooks see: the inventory as it would read if the operator had pinned every
 * replacement already (instance id and SSH endpoint from the run's snapshot), and the SSH
 * endpoints the router pool dials for this run.
 */
import type { Inventory } from '../config/inventory-schema.js';
import type { RouterEndpoint } from '../vyos/router-pool.js';
import type { RouterSnapshot } from './router-snapshot.js';

export function inventoryFor(inventory: Inventory, snapshot: RouterSnapshot): Inventory {
  const routers: Inventory['routers'] = {};
  for (const [name, entry] of Object.entries(inventory.routers)) {
    const resolved = snapshot.routers[name];
    routers[name] =
      resolved && resolved.source === 'replacement'
        ? {
            ...entry,
            instanceId: resolved.instanceId,
            ssh: { ...entry.ssh, ...resolved.ssh },
          }
        : entry;
  }
  return { ...inventory, routers };
}

export function endpointsFor(
  logins: Record<string, RouterEndpoint>,
  snapshot: RouterSnapshot,
): Record<string, RouterEndpoint> {
  const out: Record<string, RouterEndpoint> = {};
  for (const [name, login] of Object.entries(logins)) {
    const resolved = snapshot.routers[name];
    out[name] = resolved ? { ...login, ...resolved.ssh } : login;
  }
  return out;
}
