/**
 * Standby drift: what the warm standby lacks, or has in excess, compared with its primary.
 * The primary's configuration is what the standby must carry to take over, after the same
 * private-address rewrite mirroring and scale-up use (strongSwan binds `local-address` to the
 * instance's own private address; the Elastic IP is NAT'd to it). What belongs to one
 * instance is never compared: `hw-id` and `system login` (dropped by the rewrite) and
 * `system host-name` (each router keeps its own name).
 *
 * The change brings the standby to the primary's picture: `delete` what only the standby has
 * (the highest node the primary lacks, so a whole stale peer goes in one line, and a value of
 * a leaf the primary holds with other values), then `set` what the standby lacks. The lines
 * carry secrets (pre-shared keys, the WireGuard private key): show them with `showDriftLine`,
 * which redacts, never as they are.
 */
import { redactSecrets } from './redact-secrets.js';
import { rewritePrivateAddress, showConfigLine } from './rewrite-private-address.js';
import type { ConfigLine } from './types.js';

export interface StandbyDrift {
  /** `delete` lines first, then `set` lines: the order to apply them in. */
  change: ConfigLine[];
  deletes: number;
  sets: number;
}

const isInstanceOwn = (l: ConfigLine): boolean =>
  l.path.includes('hw-id') ||
  (l.path[0] === 'system' && (l.path[1] === 'login' || l.path[1] === 'host-name'));

const keyOf = (l: ConfigLine): string =>
  l.value === undefined ? l.path.join(' ') : `${l.path.join(' ')}\u0000${l.value}`;

export function compareStandbyConfig(
  primary: readonly ConfigLine[],
  standby: readonly ConfigLine[],
  addresses: { primaryIp: string; standbyIp: string },
): StandbyDrift {
  const wanted = rewritePrivateAddress(primary, {
    from: addresses.primaryIp,
    to: addresses.standbyIp,
  }).lines;
  return diffConfig(wanted, standby);
}

/** The `delete` and `set` lines that turn `actual` into `wanted` (instance-own lines aside). */
export function diffConfig(
  wantedLines: readonly ConfigLine[],
  actualLines: readonly ConfigLine[],
): StandbyDrift {
  const wanted = wantedLines.filter((l) => !isInstanceOwn(l) && l.op === 'set');
  const actual = actualLines.filter((l) => !isInstanceOwn(l) && l.op === 'set');
  const wantedKeys = new Set(wanted.map(keyOf));
  const actualKeys = new Set(actual.map(keyOf));
  // Every node the wanted picture has, at every depth: an actual line under one of them
  // differs in a value; a line whose node is absent goes with the highest absent node.
  const wantedNodes = new Set<string>();
  for (const line of wanted)
    for (let depth = 1; depth <= line.path.length; depth++)
      wantedNodes.add(line.path.slice(0, depth).join(' '));

  const deletes: ConfigLine[] = [];
  const deleted = new Set<string>();
  for (const line of actual) {
    if (wantedKeys.has(keyOf(line))) continue;
    const depth = line.path.findIndex(
      (_, i) => !wantedNodes.has(line.path.slice(0, i + 1).join(' ')),
    );
    if (depth >= 0) {
      const node = line.path.slice(0, depth + 1);
      const under = node.join(' ');
      if ([...deleted].some((d) => under === d || under.startsWith(`${d} `))) continue;
      deleted.add(under);
      deletes.push({ op: 'delete', path: node });
    } else if (line.value !== undefined) {
      // The wanted picture holds this leaf with other values: drop this one (a single-value
      // leaf is then set again below; a multi-value one keeps only the wanted values).
      deletes.push({ op: 'delete', path: line.path, value: line.value });
    }
  }
  const sets = wanted.filter((l) => !actualKeys.has(keyOf(l)));
  return { change: [...deletes, ...sets], deletes: deletes.length, sets: sets.length };
}

/** A line that carries a secret (a key, a pre-shared secret): never stored, never shown as is. */
export function carriesSecret(line: ConfigLine): boolean {
  const shown = showConfigLine(line);
  return redactSecrets(shown) !== shown;
}

/** One line of the difference as an operator reads it, secrets masked: `+ set …` / `- delete …`. */
export function showDriftLine(line: ConfigLine): string {
  return redactSecrets(`${line.op === 'set' ? '+' : '-'} ${showConfigLine(line)}`);
}
