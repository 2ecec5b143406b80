import { rmSync } from 'node:fs';
import { dropPrefix, testRedis } from './redis.js';

/**
 * What a test world leaves behind, removed: its Redis keys under `prefix` (on a connection of
 * its own: the world's connections are closed by now) and its folder (inventory, keys).
 */
export async function cleanUpTestWorld(prefix: string, dir: string): Promise<void> {
  const redis = testRedis();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
