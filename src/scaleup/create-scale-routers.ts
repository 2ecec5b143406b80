/**
 * The runbook's router port over the real SSH driver: inventory routers come from the
 * runtime's pool; a replacement instance gets its own one-router pool, logging in as the
 * router it replaces (same AMI, same bot key) and pinning the host key the run scanned.
 */
import { FlatnetError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RouterClient } from '../vyos/router-client.js';
import { createRouterPool, type RouterEndpoint, type RouterPool } from '../vyos/router-pool.js';
import type { InstanceEndpoint, ScaleRouters } from './scale-deps.js';

export interface ScaleRoutersOptions {
  pool: Pick<RouterPool, 'router'>;
  /** The inventory routers' endpoints (user and bot key are reused for their replacements). */
  endpoints: Record<string, RouterEndpoint>;
  logger: Logger;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export function createScaleRouters(
  options: ScaleRoutersOptions,
): ScaleRouters & { closeAll(): Promise<void> } {
  const pools = new Map<string, RouterPool>();
  return {
    router: (name) => options.pool.router(name),
    forInstance(endpoint: InstanceEndpoint): RouterClient {
      const login = options.endpoints[endpoint.sameLoginAs];
      if (!login)
        throw new FlatnetError(
          'UNKNOWN_TARGET',
          `there is no router named ${endpoint.sameLoginAs} to take the login from`,
          'this is a flatnet bug in the scale runbook',
        );
      const key = `${endpoint.name}|${endpoint.host}|${endpoint.port}|${endpoint.hostKey}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = createRouterPool({
          routers: {
            [endpoint.name]: {
              ...login,
              host: endpoint.host,
              port: endpoint.port,
              hostKey: endpoint.hostKey,
            },
          },
          logger: options.logger,
          connectTimeoutMs: options.connectTimeoutMs,
          commandTimeoutMs: options.commandTimeoutMs,
        });
        pools.set(key, pool);
      }
      return pool.router(endpoint.name);
    },
    async closeAll() {
      await Promise.all([...pools.values()].map((p) => p.closeAll()));
      pools.clear();
    },
  };
}
