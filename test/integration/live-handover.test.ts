/**
 * The monitor's picture of the routers, handed over to the failover it submits (issue 13):
 * the run takes it instead of asking EC2 again, but only while it is fresh and nothing moved
 * since (a cutover bumps the router facts' version). Real Redis; a counting EC2; the clock is
 * the test's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedInventory } from '../../src/config/load-inventory.js';
import { createLiveRouters, HANDED_OVER_FRESH_MS } from '../../src/live/create-live-routers.js';
import { createInventoryInForce } from '../../src/live/inventory-in-force.js';
import { runRouterSnapshots } from '../../src/live/run-router-snapshot.js';
import { createLogger } from '../../src/log.js';
import type { ChatPort } from '../../src/slack/chat-port.js';
import { createRouterPool } from '../../src/vyos/router-pool.js';
import { theReferenceFleet } from '../support/inventory-builder.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const FILE = '/etc/flatnet/flatnet.yml';
const loaded: LoadedInventory = {
  inventory: theReferenceFleet().build(FILE),
  file: FILE,
  resolvePath: (p) => p,
};
const redis = testRedis();
let prefix = '';
afterEach(async () => {
  await dropPrefix(redis, prefix);
});

function bench() {
  prefix = uniquePrefix('handover');
  const logger = createLogger({ level: 'silent' });
  let now = 1_000_000;
  let factsVersion = 3;
  const asked: number[] = [];
  const live = createLiveRouters({
    inventories: createInventoryInForce({
      loaded,
      readLogins: () => ({}),
      logger,
      chat: {} as ChatPort,
      load: () => loaded,
    }),
    pool: createRouterPool({ routers: {}, logger, connectTimeoutMs: 1, commandTimeoutMs: 1 }),
    cloud: {
      findRouterInstances: () => {
        asked.push(now);
        return Promise.resolve([]);
      },
    },
    routerFacts: { snapshot: () => Promise.resolve({ version: factsVersion, facts: {} }) },
    snapshots: runRouterSnapshots(redis, prefix),
    logger,
    clock: () => now,
  });
  return {
    live,
    asked,
    advance: (ms: number) => (now += ms),
    cutover: () => (factsVersion += 1),
  };
}

describe('a snapshot handed over to the run about to be submitted', () => {
  it('is the run’s, fresh: the run asks EC2 nothing and keeps it for its later jobs', async () => {
    const b = bench();
    const round = await b.live.resolve();
    const regions = b.asked.length;
    await b.live.handOver('r-aaaa22', round);
    b.advance(HANDED_OVER_FRESH_MS);
    const run = await b.live.forRun('r-aaaa22');
    expect(run.snapshot).toEqual(round);
    expect(b.asked).toHaveLength(regions);
    // Resumed later, the run reads the snapshot it was planned with.
    b.advance(60_000);
    expect((await b.live.forRun('r-aaaa22')).snapshot).toEqual(round);
    expect(b.asked).toHaveLength(regions);
  });

  it.each([
    ['older than the bound', (b: ReturnType<typeof bench>) => b.advance(HANDED_OVER_FRESH_MS + 1)],
    [
      'resolved before a cutover moved the router facts on',
      (b: ReturnType<typeof bench>) => b.cutover(),
    ],
  ])('is not used when %s: the run resolves its own', async (_why, change) => {
    const b = bench();
    const round = await b.live.resolve();
    const regions = b.asked.length;
    await b.live.handOver('r-bbbb22', round);
    change(b);
    const run = await b.live.forRun('r-bbbb22');
    expect(b.asked).toHaveLength(2 * regions);
    expect(run.snapshot).not.toEqual(round);
  });
});
