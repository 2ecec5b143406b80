/**
 * `show ip bgp summary`: FRR 9.1 (1.4/1.5, with PfxSnt and Desc) and FRR 7.5 (1.3, without).
 * A non-Established neighbour shows its state where the prefix count would be, and `Idle
 * (Admin)` is two words. `% BGP instance not found` means BGP is not configured: null.
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import { parseClockDuration, parseCompactDuration } from './parse-units.js';
import type { BgpNeighbor, BgpSummary } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const COMMAND = 'show ip bgp summary';

function parseUpDown(text: string): number | undefined {
  if (text === 'never') return undefined;
  return parseClockDuration(text) ?? parseCompactDuration(text);
}

function parseRow(tokens: string[], hasDesc: boolean): BgpNeighbor | undefined {
  const [address, , as, , , , , , upDown, ...rest] = tokens;
  if (!address || !as || !upDown || !/^\d+(\.\d+)?$/.test(as) || rest.length === 0)
    return undefined;
  // asdot notation (1.10) is rare; turn it into the plain number FRR means.
  const remoteAs = as.includes('.')
    ? Number(as.split('.')[0]) * 65536 + Number(as.split('.')[1])
    : Number(as);
  let state: string;
  let prefixesReceived: number | undefined;
  let i = 0;
  const first = rest[i++] ?? '';
  if (/^\d+$/.test(first)) {
    state = 'Established';
    prefixesReceived = Number(first);
  } else {
    state = first;
    if (rest[i]?.startsWith('(')) state = `${state} ${rest[i++]}`;
  }
  let prefixesSent: number | undefined;
  if (rest[i] !== undefined && /^\d+$/.test(rest[i]!)) prefixesSent = Number(rest[i++]);
  const description = hasDesc ? rest.slice(i).join(' ') : '';
  const upDownSeconds = parseUpDown(upDown);
  return {
    address,
    remoteAs,
    upDown,
    ...(upDownSeconds !== undefined ? { upDownSeconds } : {}),
    state,
    ...(prefixesReceived !== undefined ? { prefixesReceived } : {}),
    ...(prefixesSent !== undefined ? { prefixesSent } : {}),
    ...(description && description !== 'N/A' ? { description } : {}),
  };
}

export function parseBgpSummary(raw: string): BgpSummary | null {
  const text = cleanTerminalOutput(raw);
  if (/%\s*BGP instance not found/i.test(text)) return null;
  const lines = text.split('\n');
  const summary: BgpSummary = { neighbors: [] };
  const ident = /BGP router identifier\s+(\S+?),\s*local AS number\s+(\d+)/i.exec(text);
  if (ident) {
    summary.routerId = ident[1];
    summary.localAs = Number(ident[2]);
  }
  const header = lines.findIndex((l) => /^Neighbor\s+V\s+AS\b/.test(l));
  if (header < 0) {
    if (ident || /No BGP neighbors found/i.test(text)) return summary;
    throw unreadableOutput(
      COMMAND,
      'a BGP summary (a "Neighbor  V  AS" header) or "% BGP instance not found"',
      findCliError(text) ?? text,
    );
  }
  const hasDesc = /\bDesc\b/.test(lines[header] ?? '');
  let pending: string[] = [];
  for (const line of lines.slice(header + 1)) {
    if (/^Total number of neighbors/i.test(line) || /Unicast Summary/i.test(line)) break;
    if (line.trim() === '') continue;
    // FRR wraps a long (IPv6) neighbour address onto its own line.
    const tokens = [...pending, ...line.trim().split(/\s+/)];
    if (tokens.length === 1) {
      pending = tokens;
      continue;
    }
    pending = [];
    const neighbor = parseRow(tokens, hasDesc);
    if (neighbor) summary.neighbors.push(neighbor);
  }
  return summary;
}
