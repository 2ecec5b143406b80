/**
 * Each router's starting configuration as `set` lines (the form `show configuration
 * commands` prints and the VyOS emulator seeds from). The hub carries a tunnel per spoke,
 * the office, WireGuard and the AWS VPN tunnels; the standby carries the same with its own
 * local address, so that a failover only has to move the Elastic IP and the routes.
 */
import { parseCidr, formatIpv4 } from '../../net/cidr.js';
import { routerNamed } from './reference-topology.js';
import { addressInVpc, spokeTunnelAddress } from './spoke-address-plan.js';
import type { TopoRouter, Topology } from './topology-types.js';

/**
 * The outside addresses AWS assigned, per VPN connection (same order as `topology.vpnConnections`).
 */
export interface AwsTunnelOutside {
  vgwOutsideIps: string[][];
}

const q = (value: string | number): string => `'${String(value)}'`;

/** What a freshly launched `VyattaBase` AMI boots with: DHCP on eth0, SSH, the bot's key. */
export function renderBaseConfig(botPublicKey: string, hostName = 'vyos'): string[] {
  const [type, key] = botPublicKey.trim().split(/\s+/);
  if (!type || !key) throw new RangeError('the bot public key must look like `ssh-ed25519 AAAA…`');
  return [
    "set interfaces ethernet eth0 address 'dhcp'",
    "set interfaces ethernet eth0 description 'outside'",
    "set service ssh port '22'",
    `set system host-name ${q(hostName)}`,
    `set system login user vyos authentication public-keys flatnet key ${q(key)}`,
    `set system login user vyos authentication public-keys flatnet type ${q(type)}`,
  ];
}

function proposals(
  group: 'ike-group' | 'esp-group',
  name: string,
  enc: string,
  hash: string,
  dh: number,
  extra: string[],
): string[] {
  const base = `set vpn ipsec ${group} ${name}`;
  return [
    ...extra.map((line) => `${base} ${line}`),
    ...(group === 'ike-group' ? [`${base} proposal 1 dh-group ${q(dh)}`] : []),
    `${base} proposal 1 encryption ${q(enc)}`,
    `${base} proposal 1 hash ${q(hash)}`,
  ];
}

const IKE_FLATNET = proposals('ike-group', 'IKE-FLATNET', 'aes256', 'sha256', 14, [
  "key-exchange 'ikev2'",
  "lifetime '28800'",
]);
const ESP_FLATNET = proposals('esp-group', 'ESP-FLATNET', 'aes256', 'sha256', 14, [
  "lifetime '3600'",
  "pfs 'dh-group14'",
]);
// What AWS's generic customer-gateway configuration asks for.
const IKE_AWS = proposals('ike-group', 'IKE-AWS', 'aes128', 'sha1', 2, [
  "key-exchange 'ikev1'",
  "lifetime '28800'",
  "dead-peer-detection action 'restart'",
]);
const ESP_AWS = proposals('esp-group', 'ESP-AWS', 'aes128', 'sha1', 2, [
  "lifetime '3600'",
  "pfs 'dh-group2'",
]);

interface PeerSpec {
  name: string;
  localAddress: string;
  localId: string;
  remoteAddress: string;
  psk: string;
  ike: string;
  esp: string;
  vti?: { name: string; address: string };
  policy?: { local: string; remote: string };
}

function renderPeer(p: PeerSpec): string[] {
  const peer = `set vpn ipsec site-to-site peer ${p.name}`;
  return [
    ...(p.vti
      ? [
          `set interfaces vti ${p.vti.name} address ${q(p.vti.address)}`,
          `set interfaces vti ${p.vti.name} description ${q(p.name)}`,
        ]
      : []),
    `set vpn ipsec authentication psk ${p.name} id ${q(p.localId)}`,
    `set vpn ipsec authentication psk ${p.name} id ${q(p.remoteAddress)}`,
    `set vpn ipsec authentication psk ${p.name} secret ${q(p.psk)}`,
    `${peer} authentication local-id ${q(p.localId)}`,
    `${peer} authentication mode 'pre-shared-secret'`,
    `${peer} authentication remote-id ${q(p.remoteAddress)}`,
    `${peer} connection-type 'initiate'`,
    `${peer} default-esp-group ${q(p.esp)}`,
    `${peer} ike-group ${q(p.ike)}`,
    // On EC2 the Elastic IP is NAT'd to the private address: that is what strongSwan binds.
    `${peer} local-address ${q(p.localAddress)}`,
    `${peer} remote-address ${q(p.remoteAddress)}`,
    ...(p.vti ? [`${peer} vti bind ${q(p.vti.name)}`, `${peer} vti esp-group ${q(p.esp)}`] : []),
    ...(p.policy
      ? [
          `${peer} tunnel 0 local prefix ${q(p.policy.local)}`,
          `${peer} tunnel 0 remote prefix ${q(p.policy.remote)}`,
        ]
      : []),
  ];
}

/**
 * The operator's static routes toward the router's own VPCs: the rest of a VPC beyond the
 * router's subnet is reached through the VPC router (`.1` of the subnet), and FRR's network
 * import-check announces a `network` only while such an exact route exists.
 */
function renderVpcRoutes(networks: string[]): string[] {
  return networks.map((n) => `set protocols static route ${n} next-hop '${addressInVpc(n, 257)}'`);
}

function renderBgp(
  asn: number,
  networks: string[],
  neighbors: { address: string; asn: number; description: string }[],
): string[] {
  return [
    ...networks.map((n) => `set protocols bgp address-family ipv4-unicast network ${n}`),
    ...neighbors.flatMap((n) => [
      // Without the address family, a 1.4 neighbour comes up but exchanges no IPv4 routes.
      `set protocols bgp neighbor ${n.address} address-family ipv4-unicast`,
      `set protocols bgp neighbor ${n.address} description ${q(n.description)}`,
      `set protocols bgp neighbor ${n.address} remote-as ${q(n.asn)}`,
    ]),
    `set protocols bgp system-as ${q(asn)}`,
  ];
}

function renderHub(topology: Topology, router: TopoRouter, aws: AwsTunnelOutside): string[] {
  const hubIp = topology.hub.publicIp;
  const spokes = topology.routers.filter((r) => r.role === 'spoke');
  const peers: PeerSpec[] = spokes.map((s) => ({
    name: s.name,
    localAddress: router.privateIp,
    localId: hubIp,
    remoteAddress: s.elasticIp!.publicIp,
    psk: topology.spokePsks[s.name]!,
    ike: 'IKE-FLATNET',
    esp: 'ESP-FLATNET',
    vti: { name: `vti${s.vti!}`, address: `${spokeTunnelAddress(s.vti!, 'hub')}/30` },
  }));
  const office = topology.office;
  peers.push({
    name: office.name,
    localAddress: router.privateIp,
    localId: hubIp,
    remoteAddress: office.remoteAddress,
    psk: office.preSharedKey,
    ike: 'IKE-FLATNET',
    esp: 'ESP-FLATNET',
    policy: { local: office.localPrefix, remote: office.remotePrefix },
  });
  const neighbors = spokes.map((s) => ({
    address: spokeTunnelAddress(s.vti!, 'spoke'),
    asn: s.asn!,
    description: s.name,
  }));
  let vtiNumber = 200;
  topology.vpnConnections.forEach((conn, c) => {
    conn.tunnels.forEach((tunnel, t) => {
      const outside = aws.vgwOutsideIps[c]?.[t];
      if (!outside)
        throw new RangeError(
          `no outside address for VPN connection ${conn.name} ` +
            `tunnel ${t + 1}: seed the VPN connection first`,
        );
      const net = parseCidr(tunnel.insideCidr)!;
      const name = `aws-${conn.name}-${t + 1}`;
      const vti = `vti${vtiNumber++}`;
      peers.push({
        name,
        localAddress: router.privateIp,
        localId: hubIp,
        remoteAddress: outside,
        psk: tunnel.preSharedKey,
        ike: 'IKE-AWS',
        esp: 'ESP-AWS',
        vti: { name: vti, address: `${formatIpv4(net.base + 2)}/30` },
      });
      neighbors.push({
        address: formatIpv4(net.base + 1),
        asn: topology.vgws.find((g) => g.id === conn.vgwId)?.asn ?? 64512,
        description: name,
      });
    });
  });
  const wg = topology.wireguard;
  const wgBase = `set interfaces wireguard ${wg.interface}`;
  return [
    ...renderBaseConfig(topology.botPublicKey, router.name),
    `${wgBase} address ${q(wg.address)}`,
    `${wgBase} description 'operators and developers'`,
    ...wg.peers.flatMap((p) => [
      `${wgBase} peer ${p.name} allowed-ips ${q(p.address)}`,
      `${wgBase} peer ${p.name} persistent-keepalive '25'`,
      `${wgBase} peer ${p.name} public-key ${q(p.publicKey)}`,
    ]),
    `${wgBase} port ${q(wg.port)}`,
    `${wgBase} private-key ${q(wg.privateKey)}`,
    "set vpn ipsec interface 'eth0'",
    ...IKE_AWS,
    ...IKE_FLATNET,
    ...ESP_AWS,
    ...ESP_FLATNET,
    ...peers.flatMap(renderPeer),
    ...renderVpcRoutes(router.networks),
    ...renderBgp(router.asn ?? topology.hub.asn, router.networks, neighbors),
  ];
}

function renderSpoke(topology: Topology, router: TopoRouter): string[] {
  const vti = router.vti!;
  return [
    ...renderBaseConfig(topology.botPublicKey, router.name),
    // The Staging VPC's leg: a second ENI attached from that VPC (multi-VPC ENI attachment).
    "set interfaces ethernet eth1 address 'dhcp'",
    "set interfaces ethernet eth1 description 'staging'",
    "set vpn ipsec interface 'eth0'",
    ...IKE_FLATNET,
    ...ESP_FLATNET,
    ...renderVpcRoutes(router.networks),
    ...renderPeer({
      name: 'hub',
      localAddress: router.privateIp,
      localId: router.elasticIp!.publicIp,
      remoteAddress: topology.hub.publicIp,
      psk: topology.spokePsks[router.name]!,
      ike: 'IKE-FLATNET',
      esp: 'ESP-FLATNET',
      vti: { name: `vti${vti}`, address: `${spokeTunnelAddress(vti, 'spoke')}/30` },
    }),
    ...renderBgp(router.asn!, router.networks, [
      { address: spokeTunnelAddress(vti, 'hub'), asn: topology.hub.asn, description: 'hub' },
    ]),
  ];
}

export function renderRouterConfig(
  topology: Topology,
  name: string,
  aws: AwsTunnelOutside,
): string[] {
  const router = routerNamed(topology, name);
  return router.role === 'spoke' ? renderSpoke(topology, router) : renderHub(topology, router, aws);
}
