/**
 * `flatnet demo`'s start and stop: which Redis it picks (and the message when there is
 * none), the private redis-server's life cycle, and a stop that removes exactly what the
 * demo made (its keys, its directory) and nothing else.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlatnetError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { answers, findDemoRedis, findOnPath } from '../../src/demo/find-demo-redis.js';
import { freePort } from '../../src/demo/start-private-redis.js';
import { startDemo } from '../../src/demo/start-demo.js';
import { redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';

let deadUrl: string;
let dir: string;

beforeAll(async () => {
  // A port nothing listens on: the probe is refused at once.
  deadUrl = `redis://127.0.0.1:${await freePort()}`;
  dir = mkdtempSync(join(tmpdir(), 'flatnet-demo-test-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the Redis the demo uses', () => {
  it('uses REDIS_URL when it answers, and says so', async () => {
    const found = await findDemoRedis({
      env: { REDIS_URL: redisUrl },
      localUrl: deadUrl,
      redisServer: null,
    });
    expect(found).toMatchObject({ url: redisUrl, source: 'REDIS_URL' });
  });

  it(
    'refuses a REDIS_URL that does not answer ' + 'instead of quietly using another Redis',
    async () => {
      const err = await findDemoRedis({
        env: { REDIS_URL: deadUrl.replace('//', '//user:hunter2@') },
        localUrl: redisUrl,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlatnetError);
      const text = (err as FlatnetError).forHumans;
      expect(text).toContain('nothing answers there');
      expect(text).not.toContain('hunter2');
    },
  );

  it('takes the Redis already running on the default address', async () => {
    const found = await findDemoRedis({ env: {}, localUrl: redisUrl, redisServer: null });
    expect(found.source).toBe('local');
  });

  it('says how to get Redis when none runs and redis-server is not installed', async () => {
    const err = await findDemoRedis({ env: {}, localUrl: deadUrl, redisServer: null }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlatnetError);
    const text = (err as FlatnetError).forHumans;
    expect(text).toContain('docker compose up -d redis');
    expect(text).toContain('apt-get install redis-server');
    expect(text).toContain('brew install redis');
  });

  it('starts a private redis-server on a free port when none runs, and stops it', async () => {
    const binary = findOnPath('redis-server');
    if (!binary)
      throw new Error('this test needs redis-server on PATH: `apt-get install -y redis-server`');
    const found = await findDemoRedis({ env: {}, localUrl: deadUrl, redisServer: binary });
    try {
      expect(found.source).toBe('private');
      expect(found.url).not.toBe(redisUrl);
      expect(await answers(found.url)).toBe(true);
    } finally {
      await found.stop();
    }
    expect(await answers(found.url)).toBe(false);
  });
});

describe('a demo stop', () => {
  it('removes the demo’s own keys and directory and leaves everything else alone', async () => {
    const redis = testRedis();
    const neighbour = `${uniquePrefix('neighbour')}:keep`;
    try {
      await redis.set(neighbour, 'another flatnet');
      const demo = await startDemo({
        dir,
        logger: createLogger({ level: 'silent' }),
        world: { bootMs: 200, tunnelUpMs: 100 },
      });
      expect(demo.inventoryPath.startsWith(dir)).toBe(true);
      expect(existsSync(demo.inventoryPath)).toBe(true);
      const ack = await demo.slack.slashCommand({ user: 'U0BOB', command: '/vpn', text: 'status' });
      expect(ack.status).toBe(200);
      const [, keys] = await redis.scan('0', 'MATCH', `${demo.prefix}:*`, 'COUNT', 1000);
      expect(keys.length).toBeGreaterThan(0);

      await demo.stop();
      const left: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${demo.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        left.push(...found);
      } while (cursor !== '0');
      expect(left).toEqual([]);
      expect(existsSync(demo.inventoryPath)).toBe(false);
      expect(await redis.get(neighbour)).toBe('another flatnet');
      // The page and the bot are gone too.
      await expect(fetch(demo.url)).rejects.toThrow();
      await expect(fetch(`${demo.botUrl}/healthz`)).rejects.toThrow();
    } finally {
      await redis.del(neighbour);
      redis.disconnect();
    }
  });
});
