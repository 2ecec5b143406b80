/**
 * Issue 17 §4: at start flatnet reads maxmemory-policy and persistence, and warns in one line
 * with the fix; a Redis that hides CONFIG gets a line that says so. Private servers, started
 * here: one as docker-compose runs it, one set wrong, one with CONFIG disabled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { checkRedisConfig } from '../../src/queue/check-redis-config.js';
import { removeServerDir, startRedisServer, type RedisProcess } from '../support/redis-servers.js';

async function warningsFor(port: number): Promise<string[]> {
  const lines: string[] = [];
  const logger = createLogger(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(String((JSON.parse(chunk.toString()) as { msg: string }).msg));
        done();
      },
    }),
  );
  const redis = new Redis(port, '127.0.0.1');
  try {
    await checkRedisConfig(redis, logger);
  } finally {
    redis.disconnect();
  }
  return lines;
}

describe('the Redis settings check at start', () => {
  let dir: string;
  const servers: RedisProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-redis-config-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    removeServerDir(dir);
  });
  const start = async (args: string[]) => {
    const server = await startRedisServer(dir, { args });
    servers.push(server);
    return server.port;
  };

  it('says nothing about a Redis set as flatnet needs (noeviction, append-only file)', async () => {
    expect(await warningsFor(await start([]))).toEqual([]);
  });

  it('warns in one line, with each fix, about eviction and no persistence', async () => {
    const port = await start(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
    const lines = await warningsFor(port);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('maxmemory-policy is allkeys-lru');
    expect(lines[0]).toContain('set `maxmemory-policy noeviction`');
    expect(lines[0]).toContain('persistence is off');
    expect(lines[0]).toContain('set `appendonly yes`');
  });

  it('says so when CONFIG is disabled, instead of failing the start', async () => {
    const lines = await warningsFor(await start(['--rename-command', 'CONFIG', '']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not read its settings .*unknown command/);
    expect(lines[0]).toContain('make sure maxmemory-policy is noeviction');
  });
});
