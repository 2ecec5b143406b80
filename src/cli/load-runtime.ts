/** Shared start-up for CLI subcommands: inventory, logger, runtime, with clear failures. */
import { loadInventory, type LoadedInventory } from '../config/load-inventory.js';
import { createLogger, type Logger } from '../log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../wiring/create-runtime.js';
import { stringOption, type ParsedArgs } from './parse-args.js';
import { redisUrlSetting } from './startup-settings.js';

export function inventoryPath(args: ParsedArgs): string {
  return stringOption(args, 'config') ?? process.env.FLATNET_CONFIG ?? 'flatnet.yml';
}

export function redisUrl(): string {
  return redisUrlSetting(process.env);
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
    redisUrl: redisUrl(),
    logger,
    ...extra,
  });
  return { loaded, runtime, logger };
}
