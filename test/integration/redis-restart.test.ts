/**
 * DESIGN rule 3: a Redis restart loses no run and needs no restart of flatnet. A private
 * redis-server with an append-only file (as docker-compose runs it) is stopped under a live
 * runtime and started again: the records survive, a command asked while Redis is down is
 * refused with a message that says so, and the same process serves commands again afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import { loadInventory } from '../../src/config/load-inventory.js';
import { findOnPath } from '../../src/demo/find-demo-redis.js';
import { freePort } from '../../src/demo/start-private-redis.js';
import { createLogger } from '../../src/log.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a Redis restart under a running flatnet', () => {
  let dir: string;
  let port: number;
  let redis: ChildProcess | undefined;
  let world: World;
  let runtime: Runtime;

  async function startRedis(): Promise<void> {
    const binary = findOnPath('redis-server');
    if (!binary)
      throw new Error(
        'this test starts its own redis-server: install it with `apt-get install -y redis-server`',
      );
    redis = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const { Redis } = await import('ioredis');
        const probe = new Redis(port, '127.0.0.1', {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on('error', () => {});
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      },
      'the private redis-server to answer',
      10_000,
    );
  }

  async function stopRedis(): Promise<void> {
    const child = redis;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // redis-server writes its append-only file and exits
    await exited;
  }

  const ask = (text: string) =>
    handleSlashCommand(runtime.slash, {
      command: '/vpn',
      text,
      user: 'U0ALICE',
      origin: { kind: 'cli', channel: 'cli' },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-redis-restart-'));
    port = await freePort();
    await startRedis();
    world = await startWorld({ dir: join(dir, 'world'), bootMs: 100, tunnelUpMs: 100 });
    runtime = await createRuntime({
      loaded: loadInventory(world.writeInventory(join(dir, 'flatnet.yml'))),
      redisUrl: `redis://127.0.0.1:${port}`,
      logger: createLogger({ level: 'silent' }),
      worker: { concurrency: 2 },
    });
  });
  afterAll(async () => {
    await runtime?.close(2_000);
    await world?.close();
    await stopRedis();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'keeps its runs, refuses clearly while Redis ' + 'is down, and serves again once it is back',
    async () => {
      const first = await ask('status');
      if (first.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(first)}`);
      expect((await followRun(runtime.engine, first.run.id, { timeoutMs: 30_000 })).status).toBe(
        'succeeded',
      );

      await stopRedis();
      const whileDown = await ask('status');
      expect(whileDown.kind).toBe('reply');
      if (whileDown.kind === 'reply') {
        expect(whileDown.failed).toBe(true);
        expect(whileDown.message.text).toMatch(/Redis/);
      }

      await startRedis();
      // The same process, no restart: its connections come back by themselves.
      const again = await waitFor(
        async () => {
          const reply = await ask('status');
          return reply.kind === 'run' ? reply : undefined;
        },
        'a status command to be accepted again',
        30_000,
      );
      expect((await followRun(runtime.engine, again.run.id, { timeoutMs: 30_000 })).status).toBe(
        'succeeded',
      );
      // The run from before the restart is still on record (append-only file).
      expect((await runtime.engine.get(first.run.id))?.status).toBe('succeeded');
    },
  );
});
