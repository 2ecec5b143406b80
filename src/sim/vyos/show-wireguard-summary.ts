/**
 * `show interfaces wireguard <wgN> summary`: VyOS 1.4 prints `wg show <wgN>` (peers by
 * public key, handshake and transfer only when non-zero); 1.5 prints its own per-peer
 * blocks with peer names.
 */
import type { ConfigTree } from './config-tree.js';
import type { RouterLiveState, WireguardPeerState } from './live-state.js';
import { wgBytes, wgPrettyTime } from './format-op-units.js';
import { deriveWireguardPublicKey } from './wireguard-keys.js';

export const NO_SUCH_DEVICE = 'Unable to access interface: No such device';

interface PeerView {
  name: string;
  publicKey: string;
  hasPsk: boolean;
  endpoint?: string;
  allowedIps: string[];
  keepalive?: string;
  state: WireguardPeerState;
}

function peersOf(cfg: ConfigTree, iface: string, live: RouterLiveState): PeerView[] {
  const base = `interfaces wireguard ${iface} peer`;
  const peers: PeerView[] = [];
  for (const name of cfg.names(base)) {
    const p = `${base} ${name}`;
    const publicKey = cfg.value(`${p} public-key`);
    if (!publicKey || cfg.has(`${p} disable`)) continue;
    const state = live.wireguardPeer(iface, publicKey);
    const address = cfg.value(`${p} address`);
    const port = cfg.value(`${p} port`);
    peers.push({
      name,
      publicKey,
      hasPsk: cfg.has(`${p} preshared-key`),
      endpoint: state.endpoint ?? (address && port ? `${address}:${port}` : undefined),
      allowedIps: cfg.values(`${p} allowed-ips`),
      keepalive: cfg.value(`${p} persistent-keepalive`),
      state,
    });
  }
  // wg sorts peers by most recent handshake; never-seen peers last.
  const age = (p: PeerView): number => p.state.handshakeSecondsAgo ?? Number.POSITIVE_INFINITY;
  return peers.sort((a, b) => age(a) - age(b));
}

function header(cfg: ConfigTree, iface: string): string[] {
  const privateKey = cfg.value(`interfaces wireguard ${iface} private-key`);
  const publicKey = privateKey ? deriveWireguardPublicKey(privateKey) : undefined;
  const lines = [`interface: ${iface}`];
  if (publicKey) lines.push(`  public key: ${publicKey}`, '  private key: (hidden)');
  lines.push(`  listening port: ${cfg.value(`interfaces wireguard ${iface} port`) ?? '51820'}`);
  return lines;
}

function sizeDecimal(bytes: number): string {
  for (const [factor, unit] of [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'KB'],
  ] as const) {
    if (bytes >= factor) return `${Math.round(bytes / factor)} ${unit}`;
  }
  return `${bytes} B`;
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms =
    `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}` +
    `:${String(rest % 60).padStart(2, '0')}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

export function showWireguardSummary(
  cfg: ConfigTree,
  iface: string,
  live: RouterLiveState,
  version: string,
): string[] {
  if (!cfg.has(`interfaces wireguard ${iface}`) || cfg.has(`interfaces wireguard ${iface} disable`))
    return [NO_SUCH_DEVICE];
  const lines = header(cfg, iface);
  for (const peer of peersOf(cfg, iface, live)) {
    const { handshakeSecondsAgo: ago, rxBytes = 0, txBytes = 0 } = peer.state;
    const allowed = peer.allowedIps.length > 0 ? peer.allowedIps.join(', ') : '(none)';
    if (version === '1.5') {
      lines.push('', `  peer: ${peer.name}`, `    public key: ${peer.publicKey}`);
      lines.push(`    latest handshake: ${ago === undefined ? 'never' : clock(ago)}`);
      lines.push(`    status: ${ago !== undefined && ago < 180 ? 'active' : 'inactive'}`);
      if (peer.endpoint) lines.push(`    endpoint: ${peer.endpoint}`);
      lines.push(`    allowed ips: ${allowed}`);
      if (rxBytes > 0 || txBytes > 0)
        lines.push(`    transfer: ${sizeDecimal(rxBytes)} received, ${sizeDecimal(txBytes)} sent`);
      continue;
    }
    lines.push('', `peer: ${peer.publicKey}`);
    if (peer.hasPsk) lines.push('  preshared key: (hidden)');
    if (peer.endpoint) lines.push(`  endpoint: ${peer.endpoint}`);
    lines.push(`  allowed ips: ${allowed}`);
    if (ago !== undefined)
      lines.push(`  latest handshake: ${ago === 0 ? 'Now' : `${wgPrettyTime(ago)} ago`}`);
    if (rxBytes > 0 || txBytes > 0)
      lines.push(`  transfer: ${wgBytes(rxBytes)} received, ${wgBytes(txBytes)} sent`);
    if (peer.keepalive)
      lines.push(`  persistent keepalive: every ${wgPrettyTime(Number(peer.keepalive))}`);
  }
  return lines;
}
