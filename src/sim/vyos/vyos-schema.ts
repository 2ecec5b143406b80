/**
 * The slice of the VyOS 1.4 configuration schema the emulator knows. Where flatnet writes
 * configuration (interfaces, vpn ipsec, protocols bgp/static/failover, system) child names are
 * checked, so a typo fails with VyOS's own "is not valid" text; so are the firewall and qos
 * nodes the traffic policy writes (vyos-schema-firewall.ts). Subtrees a driver only carries
 * along (nat, service …) are `open`: any path is accepted there.
 */
import * as v from './validate-config-value.js';
import type { ValueValidator } from './validate-config-value.js';
import { firewall, qos } from './vyos-schema-firewall.js';
import {
  flag,
  INTERFACE_NAME,
  leaf,
  multi,
  node,
  open,
  tag,
  type SchemaNode,
} from './schema-node.js';

export type { SchemaNode } from './schema-node.js';

/**
 * vyos-1x include/interface/adjust-mss.xml.i: `numeric --range 536-65535` or the word
 * `clamp-mss-to-pmtu`; no constraintErrorMessage, so VyOS says only "Invalid value".
 */
const adjustMss: ValueValidator = (value) =>
  value === 'clamp-mss-to-pmtu' || v.numberRange(536, 65535)(value) === undefined
    ? undefined
    : 'Invalid value';

const ifaceIp = node({
  'adjust-mss': leaf(adjustMss),
  'adjust-mss-direction': leaf(v.oneOf('outbound', 'inbound', 'both')),
  'arp-cache-timeout': open,
  'disable-arp-filter': open,
  'disable-forwarding': open,
  'enable-arp-accept': open,
  'enable-arp-announce': open,
  'enable-arp-ignore': open,
  'enable-directed-broadcast': open,
  'enable-proxy-arp': open,
  'proxy-arp-pvlan': open,
  'source-validation': open,
});

const ifaceCommon = {
  address: multi(v.interfaceAddress),
  description: leaf(),
  disable: flag,
  mtu: leaf(v.numberRange(68, 16000, 'MTU')),
  ip: ifaceIp,
  ipv6: open,
  vrf: leaf(),
  redirect: leaf(),
  mirror: open,
};

function named(prefix: string, kind: string): ValueValidator {
  return v.matches(new RegExp(`^${prefix}\\d+$`), `${kind} interface must be named ${prefix}N`);
}

const wireguardPeer = tag(
  {
    'public-key': leaf(v.wireguardKey),
    'allowed-ips': multi(v.ipPrefix),
    'persistent-keepalive': leaf(v.numberRange(1, 65535, 'Keepalive interval')),
    'preshared-key': leaf(v.wireguardKey),
    address: leaf(v.ipAddress),
    port: leaf(v.port),
    description: leaf(),
    disable: flag,
  },
  v.noSpaces,
);

const interfaces = node({
  ethernet: tag(
    {
      ...ifaceCommon,
      'hw-id': leaf(),
      duplex: leaf(),
      speed: leaf(),
      offload: open,
      vif: open,
      mac: leaf(),
      firewall: open,
    },
    named('eth', 'Ethernet'),
  ),
  wireguard: tag(
    {
      ...ifaceCommon,
      port: leaf(v.port),
      'private-key': leaf(v.wireguardKey),
      fwmark: leaf(),
      'per-client-thread': flag,
      peer: wireguardPeer,
    },
    named('wg', 'WireGuard'),
  ),
  vti: tag(ifaceCommon, named('vti', 'VTI')),
  loopback: tag(
    { address: multi(v.interfaceAddress), description: leaf() },
    v.matches(/^lo$/, 'Loopback interface must be named lo'),
  ),
  dummy: tag(ifaceCommon, named('dum', 'Dummy')),
});

const ipsec = node({
  interface: multi(),
  authentication: node({
    psk: tag({
      id: multi(),
      secret: leaf(),
      'secret-type': leaf(v.oneOf('plaintext', 'base64')),
      'dhcp-interface': leaf(),
    }),
  }),
  'ike-group': tag({
    'key-exchange': leaf(v.oneOf('ikev1', 'ikev2')),
    lifetime: leaf(v.numberRange(0, 86400, 'Lifetime')),
    mode: leaf(v.oneOf('main', 'aggressive')),
    'close-action': leaf(),
    'ikev2-reauth': flag,
    'dead-peer-detection': node({
      action: leaf(v.oneOf('hold', 'clear', 'restart')),
      interval: leaf(),
      timeout: leaf(),
    }),
    proposal: tag(
      { 'dh-group': leaf(), encryption: leaf(), hash: leaf(), prf: leaf() },
      v.numberRange(1, 65535, 'Proposal number'),
    ),
  }),
  'esp-group': tag({
    pfs: leaf(),
    lifetime: leaf(v.numberRange(0, 86400, 'Lifetime')),
    'life-bytes': leaf(),
    'life-packets': leaf(),
    mode: leaf(v.oneOf('tunnel', 'transport')),
    compression: flag,
    proposal: tag({ encryption: leaf(), hash: leaf() }, v.numberRange(1, 65535, 'Proposal number')),
  }),
  'site-to-site': node({
    peer: tag(
      {
        authentication: node({
          mode: leaf(v.oneOf('pre-shared-secret', 'x509', 'rsa')),
          'local-id': leaf(),
          'remote-id': leaf(),
          'use-x509-id': flag,
          x509: open,
          rsa: open,
        }),
        'connection-type': leaf(v.oneOf('initiate', 'respond', 'none', 'trap')),
        'ike-group': leaf(),
        'default-esp-group': leaf(),
        'local-address': leaf(v.ipAddress),
        'remote-address': leaf(),
        description: leaf(),
        'dhcp-interface': leaf(),
        'force-udp-encapsulation': flag,
        'replay-window': leaf(),
        'virtual-address': multi(),
        disable: flag,
        tunnel: tag(
          {
            local: node({ prefix: multi(v.ipPrefix), port: leaf() }),
            remote: node({ prefix: multi(v.ipPrefix), port: leaf() }),
            'esp-group': leaf(),
            protocol: leaf(),
            priority: leaf(),
            disable: flag,
          },
          v.numberRange(0, 65535, 'Tunnel number'),
        ),
        vti: node({ bind: leaf(), 'esp-group': leaf() }),
      },
      v.noSpaces,
    ),
  }),
  options: open,
  log: open,
  'remote-access': open,
  profile: open,
});

/**
 * A prefix-list's name, as vyos-1x `interface-definitions/policy.xml.in` constrains it
 * (`[-_a-zA-Z0-9.]+`, "Name of prefix-list can only contain alpha-numeric letters, hyphen and
 * underscores").
 */
const prefixListName = v.matches(
  /^[-_a-zA-Z0-9.]+$/,
  'Name of prefix-list can only contain alpha-numeric letters, hyphen and underscores',
);

/**
 * A neighbour's IPv4 unicast family: vyos-1x `include/bgp/neighbor-afi-ipv4-ipv6-common.xml.i`.
 * The filters flatnet sets are checked (`prefix-list import|export` names a prefix-list,
 * `maximum-prefix` is u32 1-4294967295); the rest is carried along.
 */
const bgpNeighborIpv4 = node({
  'prefix-list': node({ import: leaf(prefixListName), export: leaf(prefixListName) }),
  'maximum-prefix': leaf(v.numberRange(1, 4294967295, 'Prefix limit')),
  'maximum-prefix-out': leaf(v.numberRange(1, 4294967295, 'Prefix limit')),
  'addpath-tx-all': open,
  'addpath-tx-per-as': open,
  'allowas-in': open,
  'as-override': flag,
  'attribute-unchanged': open,
  capability: open,
  'conditional-advertisement': open,
  'default-originate': open,
  'disable-send-community': open,
  'distribute-list': open,
  'filter-list': open,
  'nexthop-self': open,
  'remove-private-as': open,
  'route-map': open,
  'route-reflector-client': flag,
  'route-server-client': flag,
  'soft-reconfiguration': open,
  weight: open,
});

const bgpNeighborAf = node({
  'ipv4-unicast': bgpNeighborIpv4,
  'ipv6-unicast': open,
});

/**
 * vyos-1x `interface-definitions/protocols_failover.xml.in` (identical on sagitta = 1.4 and
 * current): `route <ipv4net> next-hop <ipv4> { check { target (multi) type policy timeout port }
 * interface metric onlink }`. The route has no `interface`, `blackhole` or `distance` of its
 * own; what a next hop must carry is checked at commit (check-commit.ts).
 */
const failover = node({
  route: tag(
    {
      'next-hop': tag(
        {
          check: node({
            policy: leaf(v.matches(/^(all-available|any-available)$/, 'Policy for check targets')),
            port: leaf(v.numberRange(1, 65535, 'Port number')),
            target: multi(v.ipv4Address),
            timeout: leaf(v.numberRange(1, 255, 'Timeout')),
            type: leaf(v.oneOf('arp', 'icmp', 'tcp')),
          }),
          interface: leaf(v.matches(INTERFACE_NAME, 'Gateway interface name')),
          metric: leaf(v.numberRange(1, 255, 'Metric')),
          onlink: flag,
        },
        v.ipv4Address,
      ),
    },
    v.ipv4Prefix,
  ),
});

const protocols = node({
  failover,
  bgp: node({
    'system-as': leaf(v.asNumber),
    neighbor: tag(
      {
        'remote-as': leaf(
          v.matches(
            /^(\d+|internal|external)$/,
            'remote-as must be an AS number, internal or external',
          ),
        ),
        'address-family': bgpNeighborAf,
        description: leaf(),
        'update-source': leaf(),
        'ebgp-multihop': leaf(v.numberRange(1, 255, 'Hop count')),
        timers: node({ keepalive: leaf(), holdtime: leaf(), connect: leaf() }),
        password: leaf(),
        shutdown: flag,
        'peer-group': leaf(),
        'local-as': open,
        'disable-connected-check': flag,
        bfd: open,
        interface: open,
      },
      v.matches(/^\S+$/, 'Neighbor must be an IP address or interface name'),
    ),
    'address-family': node({
      'ipv4-unicast': node({
        network: tag({ 'route-map': leaf(), backdoor: flag }, v.ipPrefix),
        redistribute: open,
        'maximum-paths': open,
        aggregate: open,
      }),
      'ipv6-unicast': open,
      'l2vpn-evpn': open,
    }),
    parameters: open,
    'peer-group': open,
    timers: open,
  }),
  static: node({
    route: tag(
      {
        'next-hop': tag(
          { distance: leaf(v.numberRange(1, 255, 'Distance')), disable: flag, interface: leaf() },
          v.ipv4Address,
        ),
        interface: tag({ distance: leaf(v.numberRange(1, 255, 'Distance')), disable: flag }),
        blackhole: node({ distance: leaf(), tag: leaf() }),
        description: leaf(),
        'dhcp-interface': leaf(),
      },
      v.ipPrefix,
    ),
    route6: open,
    table: open,
  }),
  ospf: open,
  ospfv3: open,
  bfd: open,
  isis: open,
  rip: open,
  'static-arp': open,
});

const system = node({
  'host-name': leaf(v.hostName),
  'domain-name': leaf(),
  'name-server': multi(),
  'time-zone': leaf(),
  'config-management': node({
    'commit-revisions': leaf(v.numberRange(1, 65535, 'Revisions')),
    'commit-archive': open,
    'commit-confirm': node({ action: leaf(v.oneOf('reload', 'reboot')) }),
  }),
  login: open,
  ntp: open,
  console: open,
  syslog: open,
  conntrack: open,
  option: open,
  sysctl: open,
  'static-host-mapping': open,
  ip: open,
  ipv6: open,
  'flow-accounting': open,
  'task-scheduler': open,
});

/**
 * Routing policy: prefix-lists are checked as vyos-1x `interface-definitions/policy.xml.in`
 * defines them (rule u32 1-65535, action permit|deny, prefix ipv4net, ge/le 0-32); the other
 * kinds are carried along.
 */
const policy = node({
  'prefix-list': tag(
    {
      description: leaf(),
      rule: tag(
        {
          action: leaf(v.oneOf('permit', 'deny')),
          description: leaf(),
          prefix: leaf(v.ipv4Prefix),
          ge: leaf(v.numberRange(0, 32, 'Netmask length')),
          le: leaf(v.numberRange(0, 32, 'Netmask length')),
        },
        v.numberRange(1, 65535, 'Rule number'),
      ),
    },
    prefixListName,
  ),
  'access-list': open,
  'access-list6': open,
  'as-path-list': open,
  'community-list': open,
  'extcommunity-list': open,
  'large-community-list': open,
  'local-route': open,
  'local-route6': open,
  'prefix-list6': open,
  route: open,
  route6: open,
  'route-map': open,
});

export const vyosSchema: SchemaNode = node({
  interfaces,
  vpn: node({ ipsec, openconnect: open, l2tp: open, sstp: open, pptp: open }),
  protocols,
  system,
  service: open,
  'high-availability': open,
  nat: open,
  nat66: open,
  firewall,
  policy,
  qos,
  'traffic-policy': open,
  'load-balancing': open,
  container: open,
  vrf: open,
  pki: open,
});
