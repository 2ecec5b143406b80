/**
 * `firewall` and `qos` as VyOS 1.4 (sagitta) defines them, for the nodes the traffic policy
 * writes: vyos-1x `interface-definitions/firewall.xml.in` (zones, `ipv4 name` rule sets,
 * groups) with its includes under `include/firewall/`, and `interface-definitions/qos.xml.in`
 * (`policy shaper`, `interface … egress`). What flatnet never writes (bridge, ipv6, flowtable,
 * the base chains, the other qos policy kinds) is carried along (`open`).
 * Commit-time checks (firewall.py and qos.py verify()) are in check-commit-firewall.ts.
 */
import * as v from './validate-config-value.js';
import type { ValueValidator } from './validate-config-value.js';
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

/** Every firewall group, zone and rule-set name: `[a-zA-Z0-9][\w\-\.]*`, no error message. */
const fwName = v.matches(/^[a-zA-Z0-9][\w.-]*$/, 'Invalid value');

/** include/firewall/port.xml.i: vyos-1x `src/validators/port-multi`, its texts. */
const portMulti: ValueValidator = (value) => {
  for (const raw of value.split(',')) {
    const port = raw.startsWith('!') ? raw.slice(1) : raw;
    if (/^\d{1,5}-\d{1,5}$/.test(port)) {
      const [a, b] = port.split('-').map(Number);
      if (a! < 1 || a! > 65535 || b! < 1 || b! > 65535 || a! > b!)
        return `Error: ${port} is not a valid port range`;
    } else if (/^\d+$/.test(port)) {
      if (Number(port) < 1 || Number(port) > 65535) return `Error: ${port} is not a valid port`;
    } else if (!SERVICES.has(port)) return `Error: ${port} is not a valid service name`;
  }
  return undefined;
};
/** A few /etc/services names (the validator reads the whole file; these are the usual ones). */
const SERVICES = new Set(['ssh', 'http', 'https', 'domain', 'ntp', 'snmp', 'bgp', 'isakmp']);

/**
 * include/firewall/common-rule-inet.xml.i `protocol`: the `ip-protocol` validator (a name
 * from /etc/protocols, a number 0-255, `all`, `tcp_udp`; `!` negates).
 */
const PROTOCOLS = new Set(
  'all tcp_udp ip icmp igmp tcp udp gre esp ah ipip ipv6-icmp ospf vrrp sctp pim l2tp'.split(' '),
);
const ipProtocol: ValueValidator = (value) => {
  const p = value.startsWith('!') ? value.slice(1) : value;
  const ok = PROTOCOLS.has(p) || (/^\d{1,3}$/.test(p) && Number(p) <= 255);
  return ok ? undefined : `Error: ${value} is not a valid protocol name or number`;
};

/** include/firewall/source-destination-group.xml.i: group names, checked to exist at commit. */
const sideGroup = node({
  'address-group': leaf(),
  'domain-group': leaf(),
  'mac-group': leaf(),
  'network-group': leaf(),
  'port-group': leaf(),
});

/** `source` / `destination` of an ipv4 rule (include/firewall/common-rule-ipv4.xml.i). */
const side = node({
  address: leaf(),
  'address-mask': leaf(v.ipv4Address),
  fqdn: leaf(),
  geoip: open,
  'mac-address': leaf(),
  port: leaf(portMulti),
  group: sideGroup,
});

const ruleNumber = v.matches(
  /^([1-9]\d{0,5})$/,
  'Firewall rule number must be between 1 and 999999',
);

/** include/firewall/ipv4-custom-name.xml.i, the rule children flatnet and operators use. */
const ipv4Rule = tag(
  {
    action: leaf(
      v.oneOf(
        'accept',
        'continue',
        'jump',
        'reject',
        'return',
        'drop',
        'queue',
        'offload',
        'synproxy',
      ),
    ),
    description: leaf(),
    disable: flag,
    protocol: leaf(ipProtocol),
    state: multi(v.oneOf('established', 'invalid', 'new', 'related')),
    source: side,
    destination: side,
    'jump-target': leaf(),
    icmp: node({
      code: leaf(v.numberRange(0, 255, 'ICMP code')),
      type: leaf(v.numberRange(0, 255, 'ICMP type')),
      'type-name': leaf(),
    }),
    log: flag,
    'log-options': open,
    'inbound-interface': open,
    'outbound-interface': open,
    'connection-status': open,
    'connection-mark': open,
    limit: open,
    recent: open,
    'tcp-flags': open,
    ttl: open,
    fragment: open,
    ipsec: open,
    'packet-length': open,
    'packet-length-exclude': open,
    'packet-type': open,
    dscp: open,
    'dscp-exclude': open,
    time: open,
    'add-address-to-group': open,
    set: open,
  },
  ruleNumber,
);

const ipv4Name = tag(
  {
    'default-action': leaf(v.oneOf('drop', 'jump', 'reject', 'return', 'accept', 'continue')),
    'default-log': flag,
    'default-jump-target': leaf(),
    description: leaf(),
    rule: ipv4Rule,
  },
  fwName,
);

/** firewall.xml.in `zone` (sagitta): interfaces, from-zone rule sets, default and intra-zone. */
const zone = tag(
  {
    description: leaf(),
    'default-log': flag,
    'default-action': leaf(v.matches(/^(drop|reject)$/, 'Invalid value')),
    from: tag({ firewall: node({ name: leaf(), 'ipv6-name': leaf() }) }),
    interface: multi(),
    'intra-zone-filtering': node({
      action: leaf(v.matches(/^(accept|drop)$/, 'Invalid value')),
      firewall: node({ name: leaf(), 'ipv6-name': leaf() }),
    }),
    'local-zone': flag,
  },
  fwName,
);

export const firewall: SchemaNode = node({
  'global-options': open,
  group: node({
    'address-group': tag({ address: multi(), description: leaf(), include: multi() }, fwName),
    'network-group': tag(
      { network: multi(v.ipv4Prefix), description: leaf(), include: multi() },
      fwName,
    ),
    'port-group': tag({ port: multi(portMulti), description: leaf(), include: multi() }, fwName),
    'domain-group': open,
    'mac-group': open,
    'interface-group': open,
    'ipv6-address-group': open,
    'ipv6-network-group': open,
    'dynamic-group': open,
  }),
  ipv4: node({
    name: ipv4Name,
    forward: open,
    input: open,
    output: open,
    prerouting: open,
  }),
  ipv6: open,
  bridge: open,
  flowtable: open,
  zone,
});

/** include/qos/bandwidth.xml.i (`bandwidth-auto.xml.i` adds `auto`). */
const RATE = /^(\d+(bit|kbit|mbit|gbit|tbit)?|(100|\d(\d)?)%)$/;
const bandwidth = v.matches(RATE, 'Invalid value');
const bandwidthAuto: ValueValidator = (value) => (value === 'auto' ? undefined : bandwidth(value));
const qosName = v.matches(/^[A-Za-z0-9][-_A-Za-z0-9]*$/, 'Only alpha-numeric policy name allowed');

/** include/qos/class-match.xml.i, the IPv4 address/port match flatnet uses for a peer. */
const classMatch = tag(
  {
    description: leaf(),
    interface: leaf(),
    mark: leaf(),
    vif: leaf(),
    ip: node({
      destination: node({ address: leaf(v.ipv4Prefix), port: leaf(v.port) }),
      source: node({ address: leaf(v.ipv4Prefix), port: leaf(v.port) }),
      protocol: leaf(ipProtocol),
      dscp: leaf(),
      'max-length': leaf(),
      'tcp-flags': open,
    }),
    ipv6: open,
  },
  v.matches(/^[A-Za-z0-9][\w-]*$/, 'Invalid value'),
);

const shaperClassCommon = {
  description: leaf(),
  burst: leaf(),
  ceiling: leaf(
    v.matches(/^(auto|\d+(bit|kbit|mbit|gbit|tbit)?|(100|\d(\d)?)%)$/, 'Invalid value'),
  ),
  priority: leaf(v.numberRange(0, 7, 'Priority')),
  'queue-type': leaf(v.oneOf('drop-tail', 'fair-queue', 'fq-codel', 'priority', 'random-detect')),
  'queue-limit': leaf(),
  'codel-quantum': leaf(),
  flows: leaf(),
  interval: leaf(),
  target: leaf(),
  'set-dscp': leaf(),
};

const shaper = tag(
  {
    description: leaf(),
    bandwidth: leaf(bandwidthAuto),
    class: tag(
      { ...shaperClassCommon, bandwidth: leaf(bandwidthAuto), match: classMatch },
      v.numberRange(2, 4095, 'Class number'),
    ),
    default: node({ ...shaperClassCommon, bandwidth: leaf(bandwidth) }),
  },
  qosName,
);

export const qos: SchemaNode = node({
  interface: tag(
    { egress: leaf(qosName), ingress: leaf(qosName) },
    v.matches(INTERFACE_NAME, 'Invalid value'),
  ),
  policy: node({
    shaper,
    cake: open,
    'drop-tail': open,
    'fair-queue': open,
    'fq-codel': open,
    limiter: open,
    'network-emulator': open,
    'priority-queue': open,
    'random-detect': open,
    'rate-control': open,
    'round-robin': open,
    'shaper-hfsc': open,
  }),
  'traffic-match-group': open,
});
