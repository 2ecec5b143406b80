/**
 * The WireGuard PUBLIC keys each router held when it last answered, in Redis, so that a
 * `--pubkey` can still be compared with a router that does not answer now (stopped, powered
 * off, unreachable). Public keys are not secrets (they are in every client's wg-quick file),
 * and a router's own key is kept as its public half only: a pasted private key is recognised
 * by its public half (`checkKeyAgainstFleet` derives it), so nothing secret is ever written
 * here. Refreshed by every fleet read; a router's entry is replaced whole.
 */
import type { RedisClient } from '../util/redis-client.js';
import type { KnownWireguardKey } from './check-key-in-fleet.js';

export interface FleetKeyCache {
  /** The keys a router gave now: they replace what was kept for it. */
  remember(router: string, keys: readonly KnownWireguardKey[]): Promise<void>;
  /** The kept keys of these routers; a router never read is absent from the map. */
  recall(routers: readonly string[]): Promise<Map<string, KnownWireguardKey[]>>;
}

type KeptKey = Pick<KnownWireguardKey, 'iface' | 'peer' | 'publicKey'>;

export function createFleetKeyCache(redis: RedisClient, prefix: string): FleetKeyCache {
  const key = `${prefix}:wireguard-public-keys`;
  return {
    async remember(router, keys) {
      // Field by field, so that a private half could never slip in with a spread.
      const kept: KeptKey[] = keys.map(({ iface, peer, publicKey }) => ({
        iface,
        ...(peer !== undefined ? { peer } : {}),
        publicKey,
      }));
      await redis.hset(key, router, JSON.stringify(kept));
    },
    async recall(routers) {
      const found = new Map<string, KnownWireguardKey[]>();
      if (routers.length === 0) return found;
      const values = await redis.hmget(key, ...routers);
      routers.forEach((router, i) => {
        const value = values[i];
        if (typeof value !== 'string') return;
        const kept = JSON.parse(value) as KeptKey[];
        found.set(
          router,
          kept.map((k) => ({ router, ...k })),
        );
      });
      return found;
    },
  };
}
