/**
 * Read a wg-quick client file exactly as handed to the laptop: [Interface] PrivateKey and
 * Address, [Peer] PublicKey, Endpoint and AllowedIPs. What the laptop sends into the tunnel
 * and accepts from it is decided by these lines alone (wg-quick routes AllowedIPs).
 */
import { parsePrefix } from './ipv4.js';
import type { NetWireguardClient } from './network.js';
import { wireguardPublicKey } from './wireguard-key.js';

export function readWireguardClientFile(name: string, text: string): NetWireguardClient {
  const fields = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase();
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (!kv) throw new RangeError(`${name}: cannot read the line "${line}"`);
    // A second [Peer] would be a second server; flatnet hands out one.
    const key = `${section}.${kv[1]!.toLowerCase()}`;
    if (!fields.has(key)) fields.set(key, kv[2]!.trim());
  }
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined) throw new RangeError(`${name}: the client file has no ${key}`);
    return v;
  };
  const address = parsePrefix(need('interface.address').split(',')[0]!.trim());
  const publicKey = wireguardPublicKey(need('interface.privatekey'));
  const endpoint = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(need('peer.endpoint'));
  if (!address) throw new RangeError(`${name}: Address is not an IPv4 address`);
  if (!publicKey) throw new RangeError(`${name}: PrivateKey is not a WireGuard key`);
  if (!endpoint) throw new RangeError(`${name}: Endpoint must be address:port`);
  const allowedIps = need('peer.allowedips')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const prefix = parsePrefix(p);
      if (!prefix) throw new RangeError(`${name}: AllowedIPs entry ${p} is not an IPv4 prefix`);
      return prefix;
    });
  return {
    name,
    address,
    publicKey,
    serverPublicKey: need('peer.publickey'),
    endpoint: { ip: endpoint[1]!, port: Number(endpoint[2]) },
    allowedIps,
  };
}
