/**
 * Which Redis the demo uses, in the order a newcomer expects: REDIS_URL when set (and it must
 * answer), else a Redis already on 127.0.0.1:6379, else a private `redis-server` started for
 * this demo, else a message that says how to get one.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { FlatnetError } from '../errors.js';
import { redactRedisUrl } from '../queue/create-redis-connection.js';
import { startPrivateRedis } from './start-private-redis.js';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface DemoRedis {
  url: string;
  source: 'REDIS_URL' | 'local' | 'private';
  /** Stops the private server; a no-op for a Redis the demo did not start. */
  stop(): Promise<void>;
}

export const NO_REDIS_HINT =
  'flatnet needs Redis. Start one with `docker compose up -d redis` ' +
  '(then REDIS_URL=redis://127.0.0.1:6379), ' +
  'or install it: `sudo apt-get install redis-server` (Debian/Ubuntu), ' +
  '`brew install redis` (macOS); ' +
  'the demo starts a private redis-server by itself once the binary is on PATH.';

export async function answers(url: string, timeoutMs = 700): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface FindRedisOptions {
  env?: NodeJS.ProcessEnv;
  /** Where to look for an already running Redis (tests point it at a closed port). */
  localUrl?: string;
  /** The redis-server binary; default: found on PATH. `null`: never start one. */
  redisServer?: string | null;
}

export async function findDemoRedis(options: FindRedisOptions = {}): Promise<DemoRedis> {
  const env = options.env ?? process.env;
  const none = async (): Promise<void> => {};
  if (env.REDIS_URL) {
    if (await answers(env.REDIS_URL, 3_000))
      return { url: env.REDIS_URL, source: 'REDIS_URL', stop: none };
    throw new FlatnetError(
      'REDIS',
      `REDIS_URL is set to ${redactRedisUrl(env.REDIS_URL)} but nothing answers there`,
      `start that Redis, or unset REDIS_URL to let the demo find or start one. ${NO_REDIS_HINT}`,
    );
  }
  const localUrl = options.localUrl ?? LOCAL_REDIS_URL;
  if (await answers(localUrl)) return { url: localUrl, source: 'local', stop: none };
  const binary =
    options.redisServer === undefined ? findOnPath('redis-server', env.PATH) : options.redisServer;
  if (!binary)
    throw new FlatnetError(
      'REDIS',
      `no Redis answers at ${localUrl} and redis-server is not installed`,
      NO_REDIS_HINT,
    );
  const started = await startPrivateRedis({ binary });
  return { url: started.url, source: 'private', stop: () => started.stop() };
}
