/**
 * What the scale-up runbook needs beyond the shared adapters: a way to reach an instance that
 * did not exist at start (production: its private IP on port 22; the simulator hands its own
 * resolver in, src/sim/world/sim-replacement-ssh.ts), trust-on-first-use of that one
 * instance's host key, and the router facts that outlive the inventory file.
 */
import type { RedisClient } from '../util/redis-client.js';
import type { RouterInstance } from '../aws/index.js';
import type { LoadedInventory } from '../config/load-inventory.js';
import type { Logger } from '../log.js';
import type { RouterEndpoint, RouterPool } from '../vyos/router-pool.js';
import { createScaleRouters } from '../scaleup/create-scale-routers.js';
import { createRouterFactsStore } from '../scaleup/router-facts.js';
import type { ScaleDeps } from '../scaleup/scale-deps.js';
import { scanHostKey } from '../scaleup/scan-host-key.js';

export type ReplacementSsh = (instance: RouterInstance) => Promise<{ host: string; port: number }>;

/** Production: a new instance answers SSH on its private address, port 22. */
const sshOnPrivateIp: ReplacementSsh = async (instance) => ({
  host: instance.privateIp ?? '',
  port: 22,
});

export function scaleDeps(options: {
  loaded: LoadedInventory;
  pool: RouterPool;
  /** The inventory routers' SSH logins, which a replacement reuses. */
  endpoints: Record<string, RouterEndpoint>;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  replacementSsh?: ReplacementSsh;
}): Omit<ScaleDeps, 'inventory' | 'cloud'> & { closeScaleRouters(): Promise<void> } {
  const { timeouts } = options.loaded.inventory;
  const routers = createScaleRouters({
    pool: options.pool,
    endpoints: options.endpoints,
    logger: options.logger,
    connectTimeoutMs: timeouts.sshConnectMs,
    commandTimeoutMs: timeouts.sshCommandMs,
  });
  return {
    routers,
    replacementSsh: options.replacementSsh ?? sshOnPrivateIp,
    scanHostKey,
    routerFacts: createRouterFactsStore(options.redis, options.prefix),
    clock: Date.now,
    // The outage lasts until the routes flip, which waits for this poll to see the tunnels up:
    // a quarter second of SSH reads during a cutover is cheap, a second of black hole is not.
    tunnelWait: { timeoutMs: 5 * 60_000, pollMs: 250 },
    closeScaleRouters: () => routers.closeAll(),
  };
}
