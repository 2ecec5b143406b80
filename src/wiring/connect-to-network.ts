/**
 * The network's two adapters, built from the inventory: the router pool (SSH, pinned host
 * keys, the bot's private key read from disk) and the EC2 adapter (endpoint override and
 * credentials for the simulator; the standard credential chain otherwise).
 */
import { readFileSync } from 'node:fs';
import type { LoadedInventory } from '../config/load-inventory.js';
import { InventoryError } from '../errors.js';
import type { Logger } from '../log.js';
import { createCloud, type Cloud } from '../aws/index.js';
import { createRouterPool, type RouterEndpoint, type RouterPool } from '../vyos/router-pool.js';

export function routerEndpoints(loaded: LoadedInventory): Record<string, RouterEndpoint> {
  const keys = new Map<string, string>();
  const endpoints: Record<string, RouterEndpoint> = {};
  for (const [name, router] of Object.entries(loaded.inventory.routers)) {
    const keyPath = loaded.resolvePath(router.ssh.privateKeyPath);
    let privateKey = keys.get(keyPath);
    if (privateKey === undefined) {
      try {
        privateKey = readFileSync(keyPath, 'utf8');
      } catch (err) {
        throw new InventoryError(
          `routers.${name}.ssh.privateKeyPath: ${keyPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          'check the path (relative to the inventory file) and its permissions',
        );
      }
      keys.set(keyPath, privateKey);
    }
    endpoints[name] = {
      host: router.ssh.host,
      port: router.ssh.port,
      user: router.ssh.user,
      privateKey,
      hostKey: router.ssh.hostKey,
    };
  }
  return endpoints;
}

export function connectRouters(
  loaded: LoadedInventory,
  logger: Logger,
  endpoints = routerEndpoints(loaded),
): RouterPool {
  const { timeouts } = loaded.inventory;
  return createRouterPool({
    routers: endpoints,
    logger,
    connectTimeoutMs: timeouts.sshConnectMs,
    commandTimeoutMs: timeouts.sshCommandMs,
  });
}

export function connectCloud(loaded: LoadedInventory, logger: Logger): Cloud {
  const { aws } = loaded.inventory;
  return createCloud({
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
    waiter: aws.waiter,
    logger,
  });
}
