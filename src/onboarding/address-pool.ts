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
import type { Redis } from 'ioredis';
import { BadInputError } from '../errors.js';
import { defineLuaScript } from '../runbook/lua-script.js';
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

const LUA_FORMAT = `
local function fmt(a)
  return string.format('%d.%d.%d.%d', math.floor(a / 16777216) % 256, math.floor(a / 65536) % 256, math.floor(a / 256) % 256, a % 256)
end
`;

// KEYS: leases, runs. ARGV: runId, first, last, now, staleMs, then taken ranges as lo,hi pairs.
const leaseScript = defineLuaScript(
  'lease-pool-address',
  `${LUA_FORMAT}
local known = redis.call('HGET', KEYS[2], ARGV[1])
if known then return known end
local first, last, now, stale = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local taken = {}
for i = 6, #ARGV, 2 do taken[#taken + 1] = { tonumber(ARGV[i]), tonumber(ARGV[i + 1]) } end
for a = first, last do
  local onRouter = false
  for _, r in ipairs(taken) do
    if a >= r[1] and a <= r[2] then onRouter = true break end
  end
  if not onRouter then
    local ip = fmt(a)
    local held = redis.call('HGET', KEYS[1], ip)
    local free = not held
    if held then
      local state, owner, at = string.match(held, '^(%a+):([^:]+):?(%d*)$')
      -- Applied but no longer on the router: the peer was removed by hand.
      if state == 'applied' then free = true end
      -- A lease whose run died without undoing: reclaimed, and that run forgets it.
      if state == 'pending' and tonumber(at) and now - tonumber(at) > stale then
        free = true
        redis.call('HDEL', KEYS[2], owner)
      end
    end
    if free then
      redis.call('HSET', KEYS[1], ip, 'pending:' .. ARGV[1] .. ':' .. ARGV[4])
      redis.call('HSET', KEYS[2], ARGV[1], ip)
      return ip
    end
  end
end
return false`,
);

// KEYS: leases, runs. ARGV: runId, peer. The run's lease becomes the peer's address.
const applyScript = defineLuaScript(
  'apply-pool-address',
  `
local ip = redis.call('HGET', KEYS[2], ARGV[1])
if not ip then return false end
redis.call('HSET', KEYS[1], ip, 'applied:' .. ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
return ip`,
);

// KEYS: leases, runs. ARGV: runId. Only the run's own pending lease is freed.
const releaseRunScript = defineLuaScript(
  'release-pool-lease',
  `
local ip = redis.call('HGET', KEYS[2], ARGV[1])
if not ip then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
local held = redis.call('HGET', KEYS[1], ip)
local mine = 'pending:' .. ARGV[1] .. ':'
if held and string.sub(held, 1, #mine) == mine then redis.call('HDEL', KEYS[1], ip) end
return ip`,
);

// KEYS: leases. ARGV: address. Frees an applied address (remove-peer); a pending lease stays.
const releaseAddressScript = defineLuaScript(
  'release-pool-address',
  `
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held or string.sub(held, 1, 8) ~= 'applied:' then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`,
);

export interface AddressPoolOptions {
  /** A pending lease older than this is reclaimed (its run died without undoing). Default 6 h. */
  staleMs?: number;
  clock?: () => number;
}

export class AddressPool {
  private readonly staleMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly redis: Redis,
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
    const ip = await leaseScript.run(this.redis, this.keys(ref), args);
    if (typeof ip !== 'string') {
      throw new BadInputError(
        `the WireGuard pool ${ref.pool} of ${ref.router} has no free address`,
        `remove peers nobody uses (\`/vpn remove-peer NAME\`), or give ${ref.router} a larger wireguard.pool in the inventory`,
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
    const ip = await applyScript.run(this.redis, this.keys(ref), [runId, peer]);
    return typeof ip === 'string' ? ip : undefined;
  }

  /** The run failed or was undone: its address goes back to the pool. Idempotent. */
  async release(ref: PoolRef, runId: string): Promise<string | undefined> {
    const ip = await releaseRunScript.run(this.redis, this.keys(ref), [runId]);
    return typeof ip === 'string' ? ip : undefined;
  }

  /** remove-peer: the peer's address is free again. */
  async releaseAddress(ref: PoolRef, address: string): Promise<boolean> {
    return (await releaseAddressScript.run(this.redis, [this.keys(ref)[0]], [address])) === 1;
  }

  /** Every address Redis holds for the pool, with its holder (tests and `/vpn peers`). */
  async holders(ref: PoolRef): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(ref)[0]);
  }
}
