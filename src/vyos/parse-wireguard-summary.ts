/**
 * `show interfaces wireguard wg0 summary`: 1.4 prints `wg show wg0` (peers by public key,
 * absent fields when zero), 1.5 names its peers and prints `0:01:12` and `18 MB`.
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import { parseClockDuration, parseTransferSize, parseWordDuration } from './parse-units.js';
import type { WireguardPeerStatus, WireguardStatus } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function parseHandshake(value: string): number | undefined {
  return parseClockDuration(value) ?? parseWordDuration(value);
}

function parseTransfer(value: string): { received: number; sent: number } | undefined {
  const m = /^(.+?)\s+received,\s*(.+?)\s+sent$/i.exec(value.trim());
  if (!m) return undefined;
  const received = parseTransferSize(m[1] ?? '');
  const sent = parseTransferSize(m[2] ?? '');
  return received === undefined || sent === undefined ? undefined : { received, sent };
}

interface PeerDraft {
  label: string;
  fields: Map<string, string>;
}

function finishPeer(draft: PeerDraft): WireguardPeerStatus | undefined {
  const f = draft.fields;
  const labelIsKey = WG_KEY.test(draft.label);
  const publicKey = f.get('public key') ?? (labelIsKey ? draft.label : undefined);
  if (!publicKey) return undefined;
  const transfer = parseTransfer(f.get('transfer') ?? '');
  const handshake = f.has('latest handshake')
    ? parseHandshake(f.get('latest handshake') ?? '')
    : undefined;
  const keepalive = /every\s+(\d+)\s+seconds?/i.exec(f.get('persistent keepalive') ?? '')?.[1];
  const allowed = (f.get('allowed ips') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '(none)');
  const endpoint = f.get('endpoint');
  return {
    ...(!labelIsKey ? { name: draft.label } : {}),
    publicKey,
    ...(endpoint && endpoint !== '(none)' ? { endpoint } : {}),
    allowedIps: allowed,
    ...(handshake !== undefined ? { latestHandshakeSeconds: handshake } : {}),
    bytesReceived: transfer?.received ?? 0,
    bytesSent: transfer?.sent ?? 0,
    ...(keepalive ? { persistentKeepaliveSeconds: Number(keepalive) } : {}),
  };
}

export function parseWireguardSummary(raw: string, iface = 'wg0'): WireguardStatus {
  const text = cleanTerminalOutput(raw);
  const lines = text.split('\n');
  const status: WireguardStatus = { interface: iface, peers: [] };
  let sawInterface = false;
  let peer: PeerDraft | undefined;
  const flush = () => {
    if (peer) {
      const done = finishPeer(peer);
      if (done) status.peers.push(done);
    }
    peer = undefined;
  };
  for (const line of lines) {
    const m = /^\s*([a-z][a-z ]*[a-z]):\s*(.*?)\s*$/i.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (key === 'interface') {
      flush();
      sawInterface = true;
      status.interface = value || iface;
    } else if (key === 'peer') {
      flush();
      peer = { label: value, fields: new Map() };
    } else if (peer) {
      peer.fields.set(key, value);
    } else if (sawInterface && key === 'public key') {
      status.publicKey = value;
    } else if (sawInterface && key === 'listening port' && /^\d+$/.test(value)) {
      status.listeningPort = Number(value);
    }
  }
  flush();
  if (!sawInterface && status.peers.length === 0) {
    if (text.trim() === '') return status;
    throw unreadableOutput(
      `show interfaces wireguard ${iface} summary`,
      'an "interface:" block',
      findCliError(text) ?? text,
    );
  }
  return status;
}
