/** How a failed CLI start or command ends: the line printed and the exit code. */
import { describeError, FlatnetError, InventoryError, SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export function exitCodeOf(err: unknown): number {
  if (err instanceof SettingError) return err.exitCode;
  if (err instanceof InventoryError && err.details.kind === 'ssh-key') return EXIT.sshKey;
  if (err instanceof FlatnetError && err.code === 'REDIS') return EXIT.redisUnreachable;
  if (err instanceof FlatnetError && err.code !== 'INTERNAL') return EXIT.environment;
  return EXIT.failed;
}

/**
 * What the operator reads on stderr. A refused setting is one line (the setting, what is
 * wrong, the fix), like Redis not answering; lists of inventory problems keep one per line.
 * Never a stack: those go to the log.
 */
export function failureLine(err: unknown): string {
  const oneLine =
    err instanceof SettingError || (err instanceof FlatnetError && err.code === 'REDIS');
  if (oneLine && err.hint) return `flatnet: ${err.message} — ${err.hint}`;
  // Each missing key file's line already holds its fix (the ssh-keygen command).
  if (err instanceof InventoryError && err.details.kind === 'ssh-key')
    return `flatnet: ${err.message}`;
  return `flatnet: ${describeError(err)}`;
}
