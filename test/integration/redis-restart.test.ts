/**
 * DESIGN rule 3: a Redis restart loses no run and needs no restart of flatnet. A private
 * redis-server with an append-only file (as docker-compose runs it) is stopped under a live
 * runtime and started again: the records survive, a command asked while Redis is down is
 * refused with a message that says so, and the same process serves commands again afterwards.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import { loadInventory } from '../../src/config/load-inventory.js';
import { freePort } from '../../src/demo/start-private-redis.js';
import { createLogger } from '../../src/log.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { waitFor } from '../helpers/wait-for.js';
import { removeServerDir, startRedisServer, type RedisProcess } from '../support/redis-servers.js';

describe('a Redis restart under a running flatnet', () => {
  let dir: string;
  let port: number;
  let redis: RedisProcess | undefined;
  let world: World;
  let runtime: Runtime;

  // Started by the HA tests' helper: it dies with this test process however that ends.
  const startRedis = async (): Promise<void> => {
    if (redis) await redis.restart();
    else redis = await startRedisServer(dir, { port, args: ['--appendfsync', 'always'] });
  };
  // SIGTERM: redis-server writes its append-only file and exits, as on a planned restart.
  const stopRedis = async (): Promise<void> => redis?.shutdown();

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
    await redis?.stop();
    removeServerDir(dir);
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
        // In words, after a bounded wait for a new master: what happened, what to do.
        expect(whileDown.message.text).toMatch(/Redis is not answering/);
        expect(whileDown.message.text).toMatch(/nothing was started .* ask again in a few seconds/);
        expect(whileDown.message.text).not.toMatch(/\n\s+at /);
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
