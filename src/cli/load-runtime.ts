/** Shared start-up for CLI subcommands: inventory, logger, runtime, with clear failures. */
import { loadInventory, type LoadedInventory } from '../config/load-inventory.js';
import { createLogger, type Logger } from '../log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../wiring/create-runtime.js';
import { stringOption, type ParsedArgs } from './parse-args.js';
import type { RedisSetting } from '../queue/redis-target.js';
import type { ReplicaAck } from '../runbook/replica-ack.js';
import { redisSetting, replicaAckSetting } from './redis-settings.js';

export function inventoryPath(args: ParsedArgs): string {
  return stringOption(args, 'config') ?? process.env.FLATNET_CONFIG ?? 'flatnet.yml';
}

/**
 * Where Redis is (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES) and how many replicas must
 * hold a write before flatnet acts on it, checked at start.
 */
export function redisFromEnv(): { redisUrl: RedisSetting; replicaAck: ReplicaAck } {
  const redisUrl = redisSetting(process.env);
  return { redisUrl, replicaAck: replicaAckSetting(process.env, redisUrl) };
}

export function cliLogger(): Logger {
  // The CLI's stdout is what the bot would post: logs go to stderr, quiet unless asked.
  return createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr);
}

/**
 * Adapters the entry point hands a subcommand: against `flatnet sim`, where the world's new
 * instances answer SSH (src/cli.ts loads the simulator's adapter); empty in production.
 */
export type RuntimeAdapters = Pick<Partial<RuntimeOptions>, 'replacementSsh'>;

export async function loadRuntime(
  args: ParsedArgs,
  extra: Partial<RuntimeOptions> = {},
): Promise<{ loaded: LoadedInventory; runtime: Runtime; logger: Logger }> {
  const logger = extra.logger ?? cliLogger();
  const loaded = loadInventory(inventoryPath(args));
  const runtime = await createRuntime({
    loaded,
    ...redisFromEnv(),
    logger,
    ...extra,
  });
  return { loaded, runtime, logger };
}
