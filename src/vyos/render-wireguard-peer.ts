/** A WireGuard peer on the hub, 1.4+ syntax (`public-key`, not 1.3's `pubkey`). */
import { BadInputError } from '../errors.js';
import { assertPeerName, del, set } from './config-line.js';
import type { ConfigLine } from './types.js';
import { assertCidr, assertWireguardKey } from './validate-network-input.js';

export interface WireguardPeerSpec {
  name: string;
  publicKey: string;
  allowedIps: string[];
  keepaliveSeconds?: number;
  presharedKey?: string;
  /** Default wg0. */
  iface?: string;
}

function assertIface(iface: string): void {
  if (!/^wg\d{1,5}$/.test(iface))
    throw new BadInputError(
      `WireGuard interface ${JSON.stringify(String(iface).slice(0, 20))} is not allowed`,
      'use a name like wg0',
    );
}

export function renderWireguardPeer(spec: WireguardPeerSpec): ConfigLine[] {
  const iface = spec.iface ?? 'wg0';
  assertIface(iface);
  assertPeerName(spec.name);
  assertWireguardKey(spec.publicKey, `public key of peer ${spec.name}`);
  if (spec.allowedIps.length === 0)
    throw new BadInputError(
      `peer ${spec.name} has no allowed IPs`,
      'give at least one prefix, such as its tunnel address /32',
    );
  for (const ip of spec.allowedIps) assertCidr(ip, `allowed IP of peer ${spec.name}`);
  if (spec.presharedKey !== undefined)
    assertWireguardKey(spec.presharedKey, `pre-shared key of peer ${spec.name}`);
  const base = ['interfaces', 'wireguard', iface, 'peer', spec.name];
  const lines = [
    set([...base, 'public-key'], spec.publicKey),
    ...spec.allowedIps.map((ip) => set([...base, 'allowed-ips'], ip)),
  ];
  if (spec.keepaliveSeconds !== undefined) {
    if (
      !Number.isInteger(spec.keepaliveSeconds) ||
      spec.keepaliveSeconds < 1 ||
      spec.keepaliveSeconds > 65535
    ) {
      throw new BadInputError(
        `keepalive ${spec.keepaliveSeconds} is not allowed`,
        'give whole seconds between 1 and 65535 (25 is usual behind NAT)',
      );
    }
    lines.push(set([...base, 'persistent-keepalive'], String(spec.keepaliveSeconds)));
  }
  if (spec.presharedKey !== undefined)
    lines.push(set([...base, 'preshared-key'], spec.presharedKey));
  return lines;
}

/** VyOS's default WireGuard MTU (vyos-1x interfaces_wireguard.xml.in), WireGuard's own. */
const WIREGUARD_DEFAULT_MTU = 1420;
/**
 * WireGuard over IPv4: outer IP 20 + UDP 8 + data header 16 (type, receiver, counter) +
 * Poly1305 tag 16 = 60 bytes, so a 1500-byte path carries 1440 inside. The interface's own
 * MTU (1420 by default: WireGuard sizes it for an IPv6 outer header, 80 bytes) is the tighter
 * bound, and a segment must fit it with the inner IPv4 and TCP headers (40): 1380. Clamping
 * the SYNs that leave through wg0 keeps TCP from relying on path MTU discovery, which a
 * laptop's network often breaks (ICMP filtered): pings work, large transfers stall.
 */
export function wireguardTcpMss(mtu = WIREGUARD_DEFAULT_MTU): number {
  return Math.min(mtu, 1500 - 60) - 40;
}

/**
 * `ip adjust-mss` for the WireGuard interface, from its configured MTU; nothing when the
 * interface already clamps (an operator's own value stays).
 */
export function renderWireguardMss(iface: string, config: readonly ConfigLine[]): ConfigLine[] {
  assertIface(iface);
  const base = ['interfaces', 'wireguard', iface];
  const at = (leaf: string[]) =>
    config.find(
      (l) =>
        l.op === 'set' &&
        l.path.length === base.length + leaf.length &&
        [...base, ...leaf].every((w, i) => l.path[i] === w),
    );
  if (at(['ip', 'adjust-mss'])) return [];
  const mtu = Number(at(['mtu'])?.value ?? WIREGUARD_DEFAULT_MTU);
  return [set([...base, 'ip', 'adjust-mss'], String(wireguardTcpMss(mtu)))];
}

/** Removing the peer node removes its key, allowed IPs and keepalive with it. */
export function renderWireguardPeerRemoval(name: string, iface = 'wg0'): ConfigLine[] {
  assertIface(iface);
  assertPeerName(name);
  return [del(['interfaces', 'wireguard', iface, 'peer', name])];
}
