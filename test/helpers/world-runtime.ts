/**
 * The simulated world and flatnet's real runtime (engine, queue, in-process worker, SSH and
 * EC2 adapters) on a unique Redis prefix: what the CLI builds, for tests that drive commands
 * through `handleSlashCommand` without Slack.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/config/load-inventory.js';
import { createLogger } from '../../src/log.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { redisUrl, uniquePrefix } from './redis.js';
import { cleanUpTestWorld } from './clean-up-test-world.js';

export interface WorldRuntime {
  world: World;
  runtime: Runtime;
  /** A deploy: the runtime (bot side and worker) stops and a new one starts, same Redis. */
  restartRuntime(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorldRuntime(label: string): Promise<WorldRuntime> {
  const dir = mkdtempSync(join(tmpdir(), `flatnet-${label}-`));
  const prefix = uniquePrefix(label);
  const world = await startWorld({ dir, bootMs: 100, tunnelUpMs: 100 });
  const inventoryPath = world.writeInventory(join(dir, 'flatnet.yml'));
  const start = () =>
    createRuntime({
      loaded: loadInventory(inventoryPath),
      redisUrl,
      prefix,
      logger: createLogger({ level: 'silent' }),
      worker: { concurrency: 2 },
    });
  let runtime = await start();
  return {
    world,
    get runtime() {
      return runtime;
    },
    async restartRuntime() {
      await runtime.close();
      runtime = await start();
    },
    async close() {
      await runtime.close();
      await world.close();
      await cleanUpTestWorld(prefix, dir);
    },
  };
}
