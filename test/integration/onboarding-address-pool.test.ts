import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AddressPool, type RouterAddresses } from '../../src/onboarding/address-pool.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('pool');
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const REF = { router: 'hub-tokyo-a', iface: 'wg0', pool: '10.250.0.0/24' };
const ROUTER: RouterAddresses = {
  peerPrefixes: ['10.250.0.2/32', '10.250.0.3/32'],
  interfaceAddresses: ['10.250.0.1/24'],
};

describe('the WireGuard address pool (Redis, Lua)', () => {
  it(
    'hands out the next free address after the router and ' +
      'its hand-made peers, the same one again to the same run',
    async () => {
      const pool = new AddressPool(redis, prefix);
      expect(await pool.lease(REF, 'r-aaaaaa', ROUTER)).toBe('10.250.0.4');
      expect(await pool.lease(REF, 'r-aaaaaa', ROUTER)).toBe('10.250.0.4');
      expect(await pool.lease(REF, 'r-bbbbbb', ROUTER)).toBe('10.250.0.5');
      // A peer someone added by hand at .6 is never handed out.
      expect(
        await pool.lease(REF, 'r-cccccc', {
          ...ROUTER,
          peerPrefixes: [...ROUTER.peerPrefixes, '10.250.0.6/32'],
        }),
      ).toBe('10.250.0.7');
    },
  );

  it(
    'property: concurrent leases by different runs ' + 'are all distinct and none is on the router',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 20 }),
          fc.uniqueArray(fc.integer({ min: 2, max: 40 }), { maxLength: 10 }),
          async (count, handMade) => {
            const p = uniquePrefix('prop');
            const pool = new AddressPool(redis, p);
            const router = {
              peerPrefixes: handMade.map((h) => `10.250.0.${h}/32`),
              interfaceAddresses: ['10.250.0.1/24'],
            };
            const got = await Promise.all(
              Array.from({ length: count }, (_, i) =>
                pool.lease(REF, `r-run${String(i).padStart(3, '0')}`, router),
              ),
            );
            await dropPrefix(redis, p);
            expect(new Set(got).size).toBe(count);
            for (const ip of got) expect(router.peerPrefixes).not.toContain(`${ip}/32`);
            expect(got).not.toContain('10.250.0.1');
          },
        ),
        { numRuns: 15 },
      );
    },
  );

  it(
    'a released lease returns to the pool; an applied address ' +
      'is freed by remove-peer or once the router no longer has it',
    async () => {
      const pool = new AddressPool(redis, prefix);
      const ip = await pool.lease(REF, 'r-aaaaaa', ROUTER);
      expect(await pool.release(REF, 'r-aaaaaa')).toBe(ip);
      expect(await pool.release(REF, 'r-aaaaaa')).toBeUndefined();
      expect(await pool.lease(REF, 'r-bbbbbb', ROUTER)).toBe(ip);
      expect(await pool.markApplied(REF, 'r-bbbbbb', 'alice')).toBe(ip);
      expect((await pool.holders(REF))[ip]).toBe('applied:alice');
      // Still on the router: skipped. Gone from the router (removed by hand): reclaimed.
      expect(
        await pool.lease(REF, 'r-cccccc', {
          ...ROUTER,
          peerPrefixes: [...ROUTER.peerPrefixes, `${ip}/32`],
        }),
      ).not.toBe(ip);
      expect(await pool.lease(REF, 'r-dddddd', ROUTER)).toBe(ip);
      expect(await pool.markApplied(REF, 'r-dddddd', 'bob')).toBe(ip);
      expect(await pool.releaseAddress(REF, ip)).toBe(true);
      expect((await pool.holders(REF))[ip]).toBeUndefined();
    },
  );

  it('reclaims the lease of a run that died long ago, and says when the pool is full', async () => {
    let now = 1_000_000;
    const pool = new AddressPool(redis, prefix, { staleMs: 60_000, clock: () => now });
    const small = { ...REF, pool: '10.250.1.0/29' };
    const router = { peerPrefixes: [], interfaceAddresses: ['10.250.1.1/29'] };
    const leased = await Promise.all(
      ['r-a00001', 'r-a00002', 'r-a00003', 'r-a00004', 'r-a00005'].map((id) =>
        pool.lease(small, id, router),
      ),
    );
    expect(leased.sort()).toEqual([
      '10.250.1.2',
      '10.250.1.3',
      '10.250.1.4',
      '10.250.1.5',
      '10.250.1.6',
    ]);
    await expect(pool.lease(small, 'r-a00006', router)).rejects.toThrow(
      /10.250.1.0\/29 of hub-tokyo-a has no free address/,
    );
    now += 61_000;
    expect(await pool.lease(small, 'r-a00006', router)).toBe('10.250.1.2');
    // The dead run no longer owns it: its late release frees nothing.
    expect(await pool.release(small, 'r-a00001')).toBeUndefined();
    expect((await pool.holders(small))['10.250.1.2']).toMatch(/^pending:r-a00006:/);
  });
});
