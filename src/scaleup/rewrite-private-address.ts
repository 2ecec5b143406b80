/**
 * A router replaced by a new instance has a new private address. On EC2 the Elastic IP is
 * NAT'd to the private address, so strongSwan binds `local-address` to it and local ids may
 * name it: a copied configuration that keeps the old address loses every tunnel (the Transit
 * VPC's users hit exactly this). Rewrite the address wherever it appears as a whole address
 * (path word or value, with or without a prefix length), and drop hardware ids, which name
 * the old instance's network card. Nothing else changes.
 */
import type { ConfigLine } from '../vyos/types.js';

export interface RewriteResult {
  lines: ConfigLine[];
  /** Each line that changed, before and after (hw-id lines appear with `after` undefined). */
  changes: { before: ConfigLine; after?: ConfigLine }[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function rewritePrivateAddress(lines: readonly ConfigLine[], oldIp: string, newIp: string): RewriteResult {
  // A whole address only: 10.0.1.10 must not match inside 10.0.1.100 or 110.0.1.10.
  const pattern = new RegExp(`(?<![\\d.])${escapeRegExp(oldIp)}(?!\\d|\\.\\d)`, 'g');
  const swap = (text: string) => text.replace(pattern, newIp);
  const out: ConfigLine[] = [];
  const changes: RewriteResult['changes'] = [];
  for (const line of lines) {
    if (line.path.includes('hw-id')) {
      changes.push({ before: line });
      continue;
    }
    const path = line.path.map(swap);
    const value = line.value === undefined ? undefined : swap(line.value);
    const changed = value !== line.value || path.some((w, i) => w !== line.path[i]);
    const after: ConfigLine = value === undefined ? { op: line.op, path } : { op: line.op, path, value };
    out.push(changed ? after : line);
    if (changed) changes.push({ before: line, after });
  }
  return { lines: out, changes };
}

/** A line as an operator reads it (for the dry-run diff); not for the router shell. */
export function showConfigLine(line: ConfigLine): string {
  return `${line.op} ${line.path.join(' ')}${line.value === undefined ? '' : ` '${line.value}'`}`;
}
