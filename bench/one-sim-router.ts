/** One emulated VyOS router and a router pool that reaches it, for benches of one router. */
import { createLogger } from '../src/log.js';
import {
  generateHostKey,
  generateUserKey,
  startVyosRouter,
} from '../src/sim/vyos/start-vyos-router.js';
import type { RouterClient } from '../src/vyos/router-client.js';
import { createRouterPool } from '../src/vyos/router-pool.js';

export interface OneSimRouter {
  router: RouterClient;
  close(): Promise<void>;
}

/** `baseConfig` gets the pool's public key (a base image carries the bot's login). */
export async function startOneSimRouter(
  name: string,
  baseConfig: (userPublicKey: string) => string[],
  roundTripMs = 0,
): Promise<OneSimRouter> {
  const hostKey = generateHostKey();
  const userKey = generateUserKey();
  const sim = await startVyosRouter({
    name,
    hostKey: hostKey.privateKey,
    authorizedKeys: [userKey.publicKey],
    baseConfig: baseConfig(userKey.publicKey),
    roundTripMs,
  });
  const pool = createRouterPool({
    routers: {
      [name]: {
        host: sim.host,
        port: sim.port,
        user: 'vyos',
        privateKey: userKey.privateKey,
        hostKey: hostKey.publicKey,
      },
    },
    logger: createLogger({ level: 'warn' }),
    connectTimeoutMs: 30_000,
    commandTimeoutMs: 30_000,
  });
  return {
    router: pool.router(name),
    close: async () => {
      await pool.closeAll();
      await sim.close();
    },
  };
}
