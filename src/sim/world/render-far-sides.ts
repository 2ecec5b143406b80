/**
 * The far sides of the reference topology as their operators set them up by hand: the
 * office's own VyOS router (a policy-based tunnel to the hub, mirroring the hub's `office`
 * peer) and the WireGuard client files of the seeded operators.
 */
import type { Topology } from './topology-types.js';

export function renderOfficeConfig(topology: Topology): string[] {
  const o = topology.office;
  const peer = 'set vpn ipsec site-to-site peer hub';
  const lanGateway = o.remotePrefix.replace(/\.0\/(\d+)$/, '.1/$1');
  return [
    `set interfaces ethernet eth0 address '${o.uplink}'`,
    `set interfaces ethernet eth1 address '${lanGateway}'`,
    `set protocols static route 0.0.0.0/0 next-hop '${o.uplinkGateway}'`,
    "set vpn ipsec interface 'eth0'",
    `set vpn ipsec authentication psk hub id '${o.remoteAddress}'`,
    `set vpn ipsec authentication psk hub id '${o.expectsPublicIp}'`,
    `set vpn ipsec authentication psk hub secret '${o.preSharedKey}'`,
    `${peer} authentication mode 'pre-shared-secret'`,
    `${peer} local-address '${o.remoteAddress}'`,
    `${peer} remote-address '${o.expectsPublicIp}'`,
    `${peer} tunnel 0 local prefix '${o.remotePrefix}'`,
    `${peer} tunnel 0 remote prefix '${o.localPrefix}'`,
  ];
}

/** A seeded operator's wg-quick file, as handed out before flatnet: the flat network's ranges. */
export function renderSeededClientFile(topology: Topology, name: string): string {
  const wg = topology.wireguard;
  const p = wg.peers.find((x) => x.name === name);
  if (!p) throw new RangeError(`no WireGuard peer ${name}`);
  return [
    '[Interface]',
    `PrivateKey = ${p.privateKey}`,
    `Address = ${p.address}`,
    '',
    '[Peer]',
    `PublicKey = ${wg.publicKey}`,
    `Endpoint = ${topology.hub.publicIp}:${wg.port}`,
    'AllowedIPs = 10.0.0.0/8, 192.168.0.0/16',
    'PersistentKeepalive = 25',
    '',
  ].join('\n');
}
