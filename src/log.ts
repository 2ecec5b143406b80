import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Field names that may carry a secret anywhere in a log object. pino replaces them before
 * the line is written, so a careless `log.info({ peer })` cannot leak a key. Text that
 * embeds a secret (a router transcript) is scrubbed by `redactSecrets` before it is logged.
 */
export const SECRET_FIELDS = [
  'privateKey',
  'private_key',
  'presharedKey',
  'preSharedKey',
  'psk',
  'secret',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'authorization',
];

const redactPaths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name ?? 'flatnet',
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };
