/**
 * The traffic policy in words: the rules as a table (`/vpn policy show`), the change on each
 * router (`/vpn policy diff`, the approval prompt of `/vpn policy apply`).
 */
import type { TrafficPolicy } from '../config/traffic-policy.js';
import { renderConfigLine } from '../vyos/config-line.js';
import type { ConfigLine } from '../vyos/types.js';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

export function describePolicyRules(policy: TrafficPolicy | undefined): string[] {
  if (!policy)
    return [
      'No traffic policy in the inventory (no traffic: section): everything routed talks to ' +
        'everything. docs/traffic-policy.md says how to write one.',
    ];
  const rows = [['#', 'from', 'to', 'protocol', 'ports', 'action']];
  for (const r of policy.rules)
    rows.push([
      String(r.number),
      r.fromGroup ? `${r.from} (group ${r.fromGroup})` : r.from,
      r.to,
      r.protocol,
      r.ports.join(',') || 'all',
      r.action,
    ]);
  rows.push(['-', 'anything else', '', '', '', 'drop (replies always come back)']);
  const networks = [['role', 'network', 'addresses', 'bandwidth']];
  for (const n of [...policy.networks].sort((a, b) => a.role.localeCompare(b.role)))
    networks.push([
      n.roleFrom === 'default' ? `${n.role} (default)` : n.role,
      n.label,
      n.cidrs.join(', '),
      n.bandwidth ?? '-',
    ]);
  const peers = Object.entries(policy.peerBandwidth).map(([p, rate]) => `${p} ${rate}`);
  return [
    '```',
    ...table(rows),
    '```',
    '```',
    ...table(networks),
    '```',
    ...(peers.length > 0 ? [`WireGuard peers limited: ${peers.join(', ')}`] : []),
  ];
}

/** Per router: its change as `set`/`delete` lines, at most `limit` lines each. */
export function describePolicyChanges(
  routers: { router: string; changes: ConfigLine[] }[],
  limit = 12,
): string[] {
  const out: string[] = [];
  for (const r of routers) {
    if (r.changes.length === 0) {
      out.push(`${r.router}: runs the policy already`);
      continue;
    }
    const deletes = r.changes.filter((l) => l.op === 'delete').length;
    out.push(`${r.router}: ${r.changes.length - deletes} to set, ${deletes} to delete`);
    out.push('```', ...r.changes.slice(0, limit).map(renderConfigLine));
    if (r.changes.length > limit) out.push(`… and ${r.changes.length - limit} more`);
    out.push('```');
  }
  return out;
}
