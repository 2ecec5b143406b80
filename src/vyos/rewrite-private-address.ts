/**
 * Scale-up copies the running configuration to a new, bigger instance. The new instance has a
 * new private address, and on EC2 the Elastic IP is NAT'd to it, so strongSwan binds
 * `local-address` to it and local ids may name it: the Transit VPC's users lost every tunnel
 * because the copied config still named the old one. Rewrite it wherever it appears as a
 * whole address (`local-address`, the PSK `id`s, `local-id`, interface addresses, BGP
 * `update-source`, a path word or a value, with or without a prefix length).
 * Hardware ids (`hw-id`) belong to the old instance's NICs and would stop the new one from
 * bringing eth0 up. `system login` is left to the new instance's own image: its lines carry
 * crypt hashes (`$6$…`) that flatnet's shell-safe value check refuses by design, and the AMI
 * already has the bot's login (without it flatnet could not have connected).
 */
import { escapeVyosValue } from './parse-config-commands.js';
import type { ConfigLine } from './types.js';
import { assertIpAddress } from './validate-network-input.js';

export interface RewriteOptions {
  from: string;
  to: string;
  /**
   * `to` is a placeholder such as `<new-private-ip>` (a dry run, where the new instance does
   * not exist): the result is for showing, never for a router shell.
   */
  preview?: boolean;
}

export interface RewriteChange {
  before: ConfigLine;
  /** Undefined: the line was dropped (hw-id, system login). */
  after?: ConfigLine;
}

export interface RewriteResult {
  /** The lines to apply on the new router, in the original order. */
  lines: ConfigLine[];
  /** Each line that changed or was dropped, in order: the dry run shows these. */
  changes: RewriteChange[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The far end of a tunnel is never "us": a peer's `remote-address`, `remote-id` and a policy's
 * `remote prefix` stay as they are even if they hold the old address. (A site whose remote
 * equalled the hub's private address once had it rewritten to the standby's while mirroring;
 * add-peer refuses such a remote now, and this keeps any other path from doing it.)
 */
const namesFarEnd = (l: ConfigLine) =>
  l.path.some((w, i) => w === 'remote-address' || w === 'remote-id' || (w === 'remote' && i > 0));

const isDropped = (l: ConfigLine) =>
  l.path.includes('hw-id') || (l.path[0] === 'system' && l.path[1] === 'login');

export function rewritePrivateAddress(
  lines: readonly ConfigLine[],
  { from, to, preview = false }: RewriteOptions,
): RewriteResult {
  assertIpAddress(from, 'old private address');
  if (!preview) assertIpAddress(to, 'new private address');
  // A whole address only: 10.0.1.10 must not match inside 10.0.1.100 or 110.0.1.10.
  const pattern = new RegExp(`(?<![\\d.])${escapeRegExp(from)}(?!\\d|\\.\\d)`, 'g');
  const swap = (text: string) => text.replace(pattern, to);
  const out: ConfigLine[] = [];
  const changes: RewriteChange[] = [];
  for (const line of lines) {
    if (isDropped(line)) {
      changes.push({ before: line });
      continue;
    }
    if (namesFarEnd(line)) {
      out.push(line);
      continue;
    }
    const path = line.path.map(swap);
    const value = line.value === undefined ? undefined : swap(line.value);
    const changed = value !== line.value || path.some((w, i) => w !== line.path[i]);
    const after: ConfigLine =
      value === undefined ? { op: line.op, path } : { op: line.op, path, value };
    out.push(changed ? after : line);
    if (changed) changes.push({ before: line, after });
  }
  return { lines: out, changes };
}

/** A line as `show configuration commands` prints it (for the thread); not for the router shell. */
export function showConfigLine(line: ConfigLine): string {
  const value = line.value === undefined ? '' : ` '${escapeVyosValue(line.value)}'`;
  return `${line.op} ${line.path.join(' ')}${value}`;
}
