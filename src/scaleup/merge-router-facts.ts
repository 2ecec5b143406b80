/**
 * The inventory as it would read if the operator had already pinned the replacement: each
 * replaced router's instance id and SSH endpoint come from the router facts. The runtime
 * builds the router pool and the runbooks' inventory from this, so a second scale-up or a
 * `/vpn status` reaches the new instance before anyone edits the file.
 */
import type { Inventory } from '../config/inventory-schema.js';
import type { RouterFacts } from './router-facts.js';

export function mergeRouterFacts(
  inventory: Inventory,
  facts: Record<string, RouterFacts>,
): Inventory {
  const routers: Inventory['routers'] = {};
  for (const [name, entry] of Object.entries(inventory.routers)) {
    const known = facts[name];
    // Facts from another inventory (another account, a rebuilt simulator) must not redirect
    // this one: they apply only when the inventory names the new instance or one it replaced.
    const sameRouter =
      known !== undefined &&
      (known.instanceId === entry.instanceId || known.replaces.includes(entry.instanceId));
    routers[name] =
      known && sameRouter
        ? {
            ...entry,
            instanceId: known.instanceId,
            ssh: { ...entry.ssh, host: known.sshHost, port: known.sshPort, hostKey: known.hostKey },
          }
        : entry;
  }
  return { ...inventory, routers };
}

/** The lines an operator pastes into the inventory to make the facts permanent. */
export function inventoryLinesFor(router: string, facts: RouterFacts): string[] {
  return [
    `routers.${router}.instanceId: ${facts.instanceId}`,
    `routers.${router}.ssh.host: ${facts.sshHost}`,
    `routers.${router}.ssh.port: ${facts.sshPort}`,
    `routers.${router}.ssh.hostKey: '${facts.hostKey}'`,
  ];
}
