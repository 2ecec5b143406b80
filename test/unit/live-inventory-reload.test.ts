import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LoadedInventory } from '../../src/config/load-inventory.js';
import { InventoryError } from '../../src/errors.js';
import { createLiveRouters } from '../../src/live/create-live-routers.js';
import { createInventoryInForce } from '../../src/live/inventory-in-force.js';
import type { RouterSnapshot } from '../../src/live/router-snapshot.js';
import type { RunRouterSnapshots } from '../../src/live/run-router-snapshot.js';
import { createLogger } from '../../src/log.js';
import { memoryRouterFactsStore } from '../../src/scaleup/router-facts.js';
import type { ChatMessage, ChatPort } from '../../src/slack/chat-port.js';
import { createRouterPool } from '../../src/vyos/router-pool.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const FILE = '/etc/flatnet/flatnet.yml';
const v1: LoadedInventory = {
  inventory: theReferenceFleet().build(FILE),
  file: FILE,
  resolvePath: (p) => p,
};
const v2: LoadedInventory = {
  ...v1,
  inventory: theReferenceFleet().withMonitor({ loadThreshold: 7 }).build(FILE),
};

function bench() {
  const posted: ChatMessage[] = [];
  const chat = {
    postMessage: (m: ChatMessage) => {
      posted.push(m);
      return Promise.resolve({ ts: '1.0' });
    },
  } as unknown as ChatPort;
  const lines: string[] = [];
  const logger = createLogger(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  let next: () => LoadedInventory = () => v1;
  const inventories = createInventoryInForce({
    loaded: v1,
    readLogins: () => ({}),
    logger,
    chat,
    load: () => next(),
  });
  return {
    inventories,
    posted,
    lines,
    logger,
    set: (load: () => LoadedInventory) => (next = load),
  };
}

describe('inventory reload', () => {
  it(
    'keeps the inventory in force when the new ' + 'file has problems, and says what and where',
    async () => {
      const b = bench();
      const before = b.inventories.current();
      const problem = `${FILE}: routers.hub-tokyo-a.instanceID: unknown key "instanceID"`;
      b.set(() => {
        throw new InventoryError(problem, 'fix it', [problem]);
      });
      expect(await b.inventories.reload()).toEqual({ ok: false, problems: [problem] });
      expect(b.inventories.current()).toBe(before);
      expect(b.posted).toHaveLength(1);
      expect(b.posted[0]!.channel).toBe(v1.inventory.slack.channel);
      expect(b.posted[0]!.text).toContain(`did not reload ${FILE}`);
      expect(b.posted[0]!.text).toContain(problem);
      expect(b.lines.join('')).toContain('inventory reload refused');
      expect(b.lines.join('')).toContain('unknown key');
    },
  );

  it('takes a valid new file; the same file again changes nothing', async () => {
    const b = bench();
    b.set(() => v2);
    const first = await b.inventories.reload();
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(b.inventories.current().loaded.inventory.monitor.loadThreshold).toBe(7);
    expect(await b.inventories.reload()).toMatchObject({ ok: true, changed: false });
    expect(b.posted.map((m) => m.text)).toEqual([
      `flatnet reloaded ${FILE} (${Object.keys(v2.inventory.routers).length} ` +
        'routers): the next runs use it.',
    ]);
  });

  it(
    'a run in flight keeps the inventory it was ' + 'planned with; the next run takes the new one',
    async () => {
      const b = bench();
      const stored = new Map<string, RouterSnapshot>();
      const snapshots: RunRouterSnapshots = {
        get: (id) => Promise.resolve(stored.get(id)),
        async getOrResolve(id, resolve) {
          if (!stored.has(id)) stored.set(id, await resolve());
          return stored.get(id)!;
        },
        handOver: () => Promise.resolve(),
      };
      const live = createLiveRouters({
        inventories: b.inventories,
        pool: createRouterPool({
          routers: {},
          logger: b.logger,
          connectTimeoutMs: 1,
          commandTimeoutMs: 1,
        }),
        cloud: { findRouterInstances: () => Promise.resolve([]) },
        routerFacts: memoryRouterFactsStore(),
        snapshots,
        logger: b.logger,
      });
      expect((await live.forRun('r-aaaaaa')).inventory.monitor.loadThreshold).toBe(2);
      b.set(() => v2);
      await b.inventories.reload();
      expect((await live.forRun('r-aaaaaa')).inventory.monitor.loadThreshold).toBe(2);
      expect((await live.forRun('r-bbbbbb')).inventory.monitor.loadThreshold).toBe(7);
    },
  );
});
