/**
 * The wg-quick file a developer imports on their laptop. flatnet never sees their private
 * key (they gave only the public one), so the file carries a placeholder unless the caller
 * generated the key pair for them and hands the file straight to them.
 */
import { assertPeerName } from './config-line.js';
import {
  assertCidr,
  assertFileSafe,
  assertIpAddress,
  assertPort,
  assertWireguardKey,
} from './validate-network-input.js';

export interface WgQuickSpec {
  peerName: string;
  /** The client's tunnel address, e.g. 10.250.0.10/32. */
  address: string;
  /** Absent: a placeholder line the developer replaces with their own key. */
  privateKey?: string;
  dns?: string[];
  hub: { name: string; publicKey: string; endpointHost: string; endpointPort: number };
  /** Prefixes routed into the tunnel: the whole flat network. */
  allowedIps: string[];
  presharedKey?: string;
  keepaliveSeconds?: number;
}

export const PRIVATE_KEY_PLACEHOLDER =
  '<your private key: the one whose public key you registered>';

export function renderWgQuick(spec: WgQuickSpec): string {
  assertPeerName(spec.peerName);
  assertCidr(spec.address, 'tunnel address');
  assertFileSafe(spec.hub.name, 'hub name');
  assertWireguardKey(spec.hub.publicKey, 'hub public key');
  assertFileSafe(spec.hub.endpointHost, 'hub endpoint');
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(spec.hub.endpointHost))
    assertIpAddress(spec.hub.endpointHost, 'hub endpoint');
  assertPort(spec.hub.endpointPort, 'hub port');
  if (spec.privateKey !== undefined) assertWireguardKey(spec.privateKey, 'private key');
  if (spec.presharedKey !== undefined) assertWireguardKey(spec.presharedKey, 'pre-shared key');
  for (const ip of spec.allowedIps) assertCidr(ip, 'allowed IP');
  for (const d of spec.dns ?? []) assertIpAddress(d, 'DNS server');
  const host = spec.hub.endpointHost.includes(':')
    ? `[${spec.hub.endpointHost}]`
    : spec.hub.endpointHost;
  const lines = [
    `# flatnet: WireGuard peer ${spec.peerName} on ${spec.hub.name}`,
    '[Interface]',
    `PrivateKey = ${spec.privateKey ?? PRIVATE_KEY_PLACEHOLDER}`,
    `Address = ${spec.address}`,
  ];
  if (spec.dns && spec.dns.length > 0) lines.push(`DNS = ${spec.dns.join(', ')}`);
  lines.push('', '[Peer]', `# ${spec.hub.name}`, `PublicKey = ${spec.hub.publicKey}`);
  if (spec.presharedKey !== undefined) lines.push(`PresharedKey = ${spec.presharedKey}`);
  lines.push(
    `Endpoint = ${host}:${spec.hub.endpointPort}`,
    `AllowedIPs = ${spec.allowedIps.join(', ')}`,
  );
  if (spec.keepaliveSeconds !== undefined)
    lines.push(`PersistentKeepalive = ${spec.keepaliveSeconds}`);
  return `${lines.join('\n')}\n`;
}
