/**
 * Plan step check: the old router's whole configuration must be typeable into the new one
 * before an instance is launched. A scale-up used to launch, boot, and only then find a value
 * it could not type (copy-config stopped on it with a new instance running for nothing). Every
 * line copy-config would apply (the same rewrite, so dropped lines are not judged) is parsed
 * from `show configuration commands` and put to the very rules renderConfigLine applies on
 * the way to the shell. Refused: a value with a control character or `?`, a name that would
 * need quoting; each named by its line, with the value masked where it may be a secret.
 */
import { BadInputError } from '../errors.js';
import { configLineProblem } from '../vyos/config-line.js';
import { redactSecrets } from '../vyos/redact-secrets.js';
import { rewritePrivateAddress, showConfigLine } from '../vyos/rewrite-private-address.js';
import type { ConfigLine } from '../vyos/types.js';

const SHOWN = 3;

export function assertConfigCopies(router: string, lines: ConfigLine[], privateIp: string): void {
  // Rewritten to the same address: the lines copy-config would apply, nothing else differs.
  const { lines: applied } = rewritePrivateAddress(lines, { from: privateIp, to: privateIp });
  const problems = applied.flatMap((line) => {
    const problem = configLineProblem(line);
    return problem === undefined ? [] : [{ line, problem }];
  });
  if (problems.length === 0) return;
  const shown = problems
    .slice(0, SHOWN)
    .map((p) => `\`${redactSecrets(showConfigLine(p.line)).slice(0, 160)}\`: ${p.problem}`);
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '';
  throw new BadInputError(
    `${problems.length} line${problems.length === 1 ? '' : 's'} of ${router}'s configuration ` +
      `could not be typed into the new router, so nothing was launched: ${shown.join('; ')}${more}`,
    `on ${router}, change those values to printable characters without \`?\` ` +
      `(configure, set the new value, commit, save), then ask for the scale-up again`,
  );
}
