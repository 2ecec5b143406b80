/**
 * The settings the bot and the workers read from their environment, checked before anything
 * starts: each refusal names the variable, what is wrong and the fix, with its own exit code.
 */
import { SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { stringOption, type ParsedArgs } from './parse-args.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** REDIS_URL, or the local default; refused unless it is a redis:// or rediss:// URL. */
export function redisUrlSetting(env: NodeJS.ProcessEnv): string {
  const url = env.REDIS_URL ?? DEFAULT_REDIS_URL;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname) {
    // The value may hold a password: show its shape, never the value itself.
    throw new SettingError(
      'REDIS_URL',
      EXIT.redisUrl,
      'is not a Redis URL',
      `set it like ${DEFAULT_REDIS_URL} (or rediss://user:password@host:6380 for TLS)`,
    );
  }
  return url;
}

/** `--port`, else PORT, else 3000; refused unless it is a TCP port number. */
export function portSetting(args: ParsedArgs, env: NodeJS.ProcessEnv): number {
  const flag = stringOption(args, 'port');
  const [setting, raw] = flag !== undefined ? ['--port', flag] : ['PORT', env.PORT ?? '3000'];
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new SettingError(
      setting,
      EXIT.port,
      `"${raw.slice(0, 40)}" is not a TCP port`,
      'give a number from 1 to 65535 (3000 by default)',
    );
  }
  return port;
}
