/**
 * A throw-away `redis-server` for the demo when no Redis is running: a free loopback port, no
 * persistence (`--save ""`, `--appendonly no`), its working directory in a temp dir. It runs
 * in its own process group so the Ctrl-C that stops the demo does not kill it before the demo
 * has closed its workers and deleted its keys; the demo stops it last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FlatnetError } from '../errors.js';
import { waitFor } from '../util/wait-for.js';

export interface PrivateRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING; rejects if it exits first or never answers. */
async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  deadlineMs: number,
): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(
    async () => {
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 500,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    },
    {
      what: 'redis-server to answer PING',
      timeoutMs: deadlineMs,
      intervalMs: 50,
      giveUp: () => (exited ? 'redis-server exited at start' : undefined),
    },
  );
}

export async function startPrivateRedis(options: {
  binary: string;
  deadlineMs?: number;
}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-demo-redis-'));
  let lastError: unknown;
  // The free port may be taken between the probe and redis-server's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      options.binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      {
        stdio: 'ignore',
        detached: true,
      },
    );
    const url = `redis://127.0.0.1:${port}`;
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      });
      await waitUntilAnswering(url, child, options.deadlineMs ?? 5_000);
    } catch (err) {
      lastError = err;
      if (child.exitCode === null) child.kill('SIGKILL');
      continue;
    }
    // Backstop for an exit that skips stop() (an uncaught error): never leave the server behind.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    return {
      url,
      pid: child.pid ?? 0,
      async stop() {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new FlatnetError(
    'REDIS',
    `could not start a private redis-server (${(lastError as Error)?.message ?? 'unknown error'})`,
    'start Redis yourself (`docker compose up -d redis`) and set REDIS_URL',
  );
}
