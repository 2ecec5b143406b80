import { FlatnetError } from '../errors.js';
import { redactSecrets } from './redact-secrets.js';

/**
 * A parser met output it cannot read. Says which command, what was expected and the first
 * line seen (redacted), so an operator can tell a VyOS upgrade from a broken router.
 */
export function unreadableOutput(command: string, expected: string, text: string): FlatnetError {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '(empty)';
  const shown = redactSecrets(first.trim()).slice(0, 120);
  return new FlatnetError(
    'ROUTER_COMMAND',
    `could not read the output of \`${command}\`: expected ${expected}, got "${shown}"`,
    'check the router by hand with the same command; if its ' +
      'VyOS version prints a new format, report it with the output',
  );
}

/** VyOS's own error lines that can come back instead of any op-mode output. */
export function findCliError(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) =>
      /^(Invalid command:|Ambiguous command:|% |Incomplete command|error:|\S+: command not found)/i.test(
        l,
      ),
    );
  return line;
}
