/**
 * `show vpn ipsec sa`: the 1.4/1.5 table (one row per child SA) and the older Vyatta/1.2
 * per-peer block format. Tolerant of column drift; a row it cannot read is skipped only when
 * the rest of the table is sound, otherwise the whole output is reported unreadable.
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import { parseCompactDuration, parseIpsecBytes, parseIpsecPackets } from './parse-units.js';
import type { IpsecSa, IpsecSaReport } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const COMMAND = 'show vpn ipsec sa';
const NA = 'N/A';
/** 1.4/1.5 (`vyos.ipsec.get_vici_sas`: charon does not answer) and the 1.3 wording. */
const NOT_RUNNING = /IPsec not initialized|IPsec process not running/i;

function splitConnection(connection: string): { peer: string; tunnel?: string } {
  const m = /^(.*)-(tunnel-\d+|vti)$/.exec(connection);
  return m && m[1] ? { peer: m[1], tunnel: m[2] } : { peer: connection };
}

function parsePair<T>(
  text: string | undefined,
  parse: (s: string) => T | undefined,
): [T, T] | undefined {
  const parts = (text ?? '').split('/');
  if (parts.length !== 2) return undefined;
  const a = parse(parts[0] ?? '');
  const b = parse(parts[1] ?? '');
  return a === undefined || b === undefined ? undefined : [a, b];
}

function parseTableRow(line: string): IpsecSa | undefined {
  const t = line.trim().split(/\s+/);
  const [connection, stateWord] = t;
  if (!connection || !stateWord) return undefined;
  let i = 2;
  let uptimeSeconds: number | undefined;
  // vyos-1x prints `N/A` for every value VICI does not have yet (a child SA still
  // installing); older releases left the uptime of a down SA blank instead.
  if (t[i] === NA) i++;
  else if (t[i] !== undefined && !t[i]!.includes('/')) {
    uptimeSeconds = parseCompactDuration(t[i]!);
    if (uptimeSeconds === undefined) return undefined;
    i++;
  }
  const bytes = t[i] === NA ? ([0, 0] as [number, number]) : parsePair(t[i], parseIpsecBytes);
  i++;
  const packets = t[i] === NA ? ([0, 0] as [number, number]) : parsePair(t[i], parseIpsecPackets);
  i++;
  if (!bytes || !packets) return undefined;
  const rest = t.slice(i);
  const [remoteAddress, remoteId, proposal] =
    rest.length >= 3
      ? [rest[0], rest[1], rest.slice(2).join(' ')]
      : rest.length === 2
        ? [rest[0], undefined, rest[1]]
        : [rest[0], undefined, undefined];
  return {
    connection,
    ...splitConnection(connection),
    state: stateWord.toLowerCase() === 'up' ? 'up' : 'down',
    ...(uptimeSeconds !== undefined ? { uptimeSeconds } : {}),
    bytesIn: bytes[0],
    bytesOut: bytes[1],
    packetsIn: packets[0],
    packetsOut: packets[1],
    ...(remoteAddress && remoteAddress !== NA ? { remoteAddress } : {}),
    ...(remoteId && remoteId !== NA ? { remoteId } : {}),
    ...(proposal && proposal !== NA ? { proposal } : {}),
  };
}

function parseTable(lines: string[], headerIndex: number): IpsecSa[] {
  const sas: IpsecSa[] = [];
  let bad = 0;
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '' || /^[\s-]+$/.test(line)) continue;
    const sa = parseTableRow(line);
    if (sa) sas.push(sa);
    else bad++;
  }
  if (bad > 0 && sas.length === 0)
    throw unreadableOutput(
      COMMAND,
      'rows of connection, state, uptime, bytes, packets',
      lines.slice(headerIndex + 1).join('\n'),
    );
  return sas;
}

// Old format: a peer line (`203.0.113.2   198.51.100.3`) then its tunnel rows
// (`0  up  7.5M/230.6K  aes256  sha1  no  567  1800  all`), bytes are Out/In there.
function parseBlocks(lines: string[]): IpsecSa[] {
  const sas: IpsecSa[] = [];
  let peer: string | undefined;
  for (const line of lines) {
    if (/^\S/.test(line) && !/^(Peer ID|-)/.test(line)) {
      peer = line.trim().split(/\s+/)[0];
      continue;
    }
    const m = /^\s+(\d+)\s+(up|down)\s+(\S+)\s+(.*)$/i.exec(line);
    if (!m || !peer) continue;
    const bytes = parsePair(m[3], parseIpsecBytes);
    const cols = (m[4] ?? '').trim().split(/\s+/);
    const aTime = cols[3] !== undefined && /^\d+$/.test(cols[3]) ? Number(cols[3]) : undefined;
    const state = m[2]!.toLowerCase() === 'up' ? 'up' : 'down';
    sas.push({
      connection: `${peer}-tunnel-${m[1]}`,
      peer,
      tunnel: `tunnel-${m[1]}`,
      state,
      ...(state === 'up' && aTime !== undefined ? { uptimeSeconds: aTime } : {}),
      bytesOut: bytes?.[0] ?? 0,
      bytesIn: bytes?.[1] ?? 0,
      remoteAddress: peer,
    });
  }
  return sas;
}

export function parseIpsecSa(raw: string): IpsecSaReport {
  const text = cleanTerminalOutput(raw);
  if (NOT_RUNNING.test(text)) return { sas: [], processRunning: false };
  if (text.trim() === '') return { sas: [], processRunning: true };
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^\s*Connection\s+State\b/i.test(l));
  if (header >= 0) return { sas: parseTable(lines, header), processRunning: true };
  if (lines.some((l) => /^\s*Peer ID \/ IP/i.test(l)))
    return { sas: parseBlocks(lines), processRunning: true };
  const cliError = findCliError(text);
  throw unreadableOutput(
    COMMAND,
    'the SA table (a "Connection  State …" header)',
    cliError ?? text,
  );
}
