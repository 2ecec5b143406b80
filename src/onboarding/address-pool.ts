/**
 * WireGuard addresses in Redis: one atomic Lua script per change (the BullMQ habit), so
 * twenty add-peers at once get twenty different addresses. The router stays the source of
 * truth: every call passes what the router really has (its peers' allowed-ips), and those
 * addresses are never handed out, whoever configured them.
 *
 * One hash per pool, address → holder:
 *   `pending:<runId>:<ms>`  leased to a run that is adding its peer (stale after `staleMs`)
 *   `applied:<peer>`        on the router; freed by remove-peer, or reclaimed once the
 *                           router no longer has it (the peer was removed by hand)
 * and one hash run id → address, so a resumed run gets the address it was given before.
 */
import type { RedisClient } from '../util/redis-client.js';
import { BadInputError } from '../errors.js';
import { luaScripts } from '../runbook/lua-scripts.js';
import { firstFree, poolRange, takenRanges } from './pool-range.js';

export interface PoolRef {
  router: string;
  iface: string;
  /** The inventory's pool, e.g. 10.250.0.0/24. */
  pool: string;
}

/** What the router has right now: its peers' allowed-ips and its own interface addresses. */
export interface RouterAddresses {
  peerPrefixes: string[];
  interfaceAddresses: string[];
}

/** The pool's atomic changes, one Lua script each (src/onboarding/lua/). */
const POOL_SCRIPTS = luaScripts(new URL('./lua/', import.meta.url), {
  'lease-pool-address': 2,
  'apply-pool-address': 2,
  'release-pool-lease': 2,
  'release-pool-address': 1,
});

export interface AddressPoolOptions {
  /** A pending lease older than this is reclaimed (its run died without undoing). Default 6 h. */
  staleMs?: number;
  clock?: () => number;
}

export class AddressPool {
  private readonly staleMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: AddressPoolOptions = {},
  ) {
    this.staleMs = options.staleMs ?? 6 * 3_600_000;
    this.clock = options.clock ?? Date.now;
  }

  private keys(ref: PoolRef): [string, string] {
    const base = `${this.prefix}:wg-pool:${ref.router}:${ref.iface}`;
    return [`${base}:leases`, `${base}:runs`];
  }

  /** The address leased to `runId` (the same one again on resume), as `a.b.c.d`. */
  async lease(ref: PoolRef, runId: string, router: RouterAddresses): Promise<string> {
    const range = poolRange(ref.pool);
    const taken = takenRanges(ref.pool, router.peerPrefixes, router.interfaceAddresses);
    const args = [runId, range.first, range.last, this.clock(), this.staleMs, ...taken.flat()];
    const ip = await POOL_SCRIPTS.run(this.redis, 'lease-pool-address', this.keys(ref), args);
    if (typeof ip !== 'string') {
      throw new BadInputError(
        `the WireGuard pool ${ref.pool} of ${ref.router} has no free address`,
        `remove peers nobody uses (\`/vpn remove-peer NAME\`), or ` +
          `give ${ref.router} a larger wireguard.pool in the inventory`,
      );
    }
    return ip;
  }

  /** What `lease` would hand out now, without leasing it (dry runs). */
  async preview(ref: PoolRef, router: RouterAddresses): Promise<string | undefined> {
    const held = await this.redis.hgetall(this.keys(ref)[0]);
    const busy = new Set(
      Object.entries(held)
        .filter(([, v]) => v.startsWith('pending:'))
        .map(([ip]) => ip),
    );
    return firstFree(
      poolRange(ref.pool),
      takenRanges(ref.pool, router.peerPrefixes, router.interfaceAddresses),
      busy,
    );
  }

  /** The run's peer is on the router: its lease becomes the peer's address. */
  async markApplied(ref: PoolRef, runId: string, peer: string): Promise<string | undefined> {
    const ip = await POOL_SCRIPTS.run(this.redis, 'apply-pool-address', this.keys(ref), [
      runId,
      peer,
    ]);
    return typeof ip === 'string' ? ip : undefined;
  }

  /** The run failed or was undone: its address goes back to the pool. Idempotent. */
  async release(ref: PoolRef, runId: string): Promise<string | undefined> {
    const ip = await POOL_SCRIPTS.run(this.redis, 'release-pool-lease', this.keys(ref), [runId]);
    return typeof ip === 'string' ? ip : undefined;
  }

  /** remove-peer: the peer's address is free again. */
  async releaseAddress(ref: PoolRef, address: string): Promise<boolean> {
    return (
      (await POOL_SCRIPTS.run(
        this.redis,
        'release-pool-address',
        [this.keys(ref)[0]],
        [address],
      )) === 1
    );
  }

  /** Every address Redis holds for the pool, with its holder (tests and `/vpn peers`). */
  async holders(ref: PoolRef): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(ref)[0]);
  }
}
