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

/** Removing the peer node removes its key, allowed IPs and keepalive with it. */
export function renderWireguardPeerRemoval(name: string, iface = 'wg0'): ConfigLine[] {
  assertIface(iface);
  assertPeerName(name);
  return [del(['interfaces', 'wireguard', iface, 'peer', name])];
}
