/**
 * The network's two adapters, built from the inventory: the router pool (SSH, pinned host
 * keys, the bot's private key read from disk) and the EC2 adapter (endpoint override and
 * credentials for the simulator; the standard credential chain otherwise).
 */
import { readFileSync } from 'node:fs';
import { isUnencryptedPrivateKey } from './private-key-text.js';
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
      privateKey = readPrivateKey(name, keyPath);
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

/** The key file's text, refused (exit code 15) when it cannot be read or is not a private key. */
function readPrivateKey(router: string, keyPath: string): string {
  const setting = `routers.${router}.ssh.privateKeyPath`;
  let text: string;
  try {
    text = readFileSync(keyPath, 'utf8');
  } catch (err) {
    throw new InventoryError(
      `${setting}: ${keyPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the path (relative to the inventory file) and its permissions',
      undefined,
      { kind: 'ssh-key' },
    );
  }
  // A public key, an encrypted key (the bot has no passphrase) or garbage; never echoed.
  if (!isUnencryptedPrivateKey(text)) {
    throw new InventoryError(
      `${setting}: ${keyPath} is not an unencrypted SSH private key`,
      "point it at the bot's private key (not the .pub), " +
        "created with `ssh-keygen -t ed25519 -N ''`",
      undefined,
      { kind: 'ssh-key' },
    );
  }
  return text;
}
