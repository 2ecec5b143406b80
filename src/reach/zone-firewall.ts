/**
 * A router's zone-based firewall as `/vpn reach` reads it from `show configuration commands`,
 * and its verdict on a packet the router forwards (VyOS 1.4, vyos-1x nftables-zone.j2): the
 * zone of the outgoing interface decides; a packet from the same zone takes the intra-zone
 * action (accept unless `intra-zone-filtering` drops or names a rule set), one from a zone it
 * names in `from` goes through that rule set, anything else meets the zone's default action.
 * A rule set: rules by number, first match (protocol, state, source/destination address or
 * network-group, destination port), else its default action (drop when unset). An outgoing
 * interface in no zone is not filtered; the router's own traffic is not judged (no local zone).
 */
import { cidrContains } from '../net/cidr.js';
import type { ConfigLine } from '../vyos/types.js';

export interface ReachProbe {
  src: string;
  dst: string;
  protocol: 'icmp' | 'tcp' | 'udp';
  port?: number;
  /**
   * conntrack's view on this router: the forward packet opens a connection, its reply belongs to
   * it where the request passed, and elsewhere is what that router's conntrack makes of it
   * (`replyStateOn`).
   */
  state: 'new' | 'established' | 'invalid';
}

interface Rule {
  n: number;
  fields: Map<string, string[]>;
}

export interface ZoneFirewall {
  zones: Map<string, { interfaces: string[]; from: Map<string, string>; intra?: string }>;
  zoneDefault: Map<string, string>;
  sets: Map<string, { defaultAction: string; rules: Rule[] }>;
  groups: Map<string, string[]>;
}

/** The firewall of a router's configuration, or undefined when it has no zone. */
export function readZoneFirewall(config: ConfigLine[]): ZoneFirewall | undefined {
  const fw: ZoneFirewall = {
    zones: new Map(),
    zoneDefault: new Map(),
    sets: new Map(),
    groups: new Map(),
  };
  for (const l of config) {
    if (l.op !== 'set' || l.path[0] !== 'firewall') continue;
    const [, a, b, c, d, e, f] = l.path;
    const v = l.value;
    if (a === 'zone' && b !== undefined) {
      const z = fw.zones.get(b) ?? { interfaces: [], from: new Map<string, string>() };
      fw.zones.set(b, z);
      if (c === 'interface' && v) z.interfaces.push(v);
      else if (c === 'default-action' && v) fw.zoneDefault.set(b, v);
      else if (c === 'from' && d && e === 'firewall' && f === 'name' && v) z.from.set(d, v);
      else if (c === 'intra-zone-filtering' && d === 'action' && v) z.intra = v;
      else if (c === 'intra-zone-filtering' && d === 'firewall' && e === 'name' && v)
        z.intra = `set:${v}`;
    } else if (a === 'ipv4' && b === 'name' && c !== undefined) {
      const s = fw.sets.get(c) ?? { defaultAction: 'drop', rules: [] };
      fw.sets.set(c, s);
      if (d === 'default-action' && v) s.defaultAction = v;
      else if (d === 'rule' && e !== undefined && v !== undefined) {
        let r = s.rules.find((x) => x.n === Number(e));
        if (!r) s.rules.push((r = { n: Number(e), fields: new Map() }));
        const key = l.path.slice(6).join(' ');
        r.fields.set(key, [...(r.fields.get(key) ?? []), v]);
      }
    } else if (a === 'group' && b === 'network-group' && c && d === 'network' && v)
      fw.groups.set(c, [...(fw.groups.get(c) ?? []), v]);
  }
  for (const s of fw.sets.values()) s.rules.sort((x, y) => x.n - y.n);
  return fw.zones.size > 0 ? fw : undefined;
}

function matches(fw: ZoneFirewall, r: Rule, p: ReachProbe): boolean {
  const one = (k: string) => r.fields.get(k)?.[0];
  if (r.fields.has('disable')) return false;
  const proto = one('protocol');
  if (
    proto &&
    proto !== 'all' &&
    !(proto === 'tcp_udp' ? p.protocol !== 'icmp' : proto === p.protocol)
  )
    return false;
  const states = r.fields.get('state');
  if (states && !states.includes(p.state)) return false;
  for (const [side, ip] of [
    ['source', p.src],
    ['destination', p.dst],
  ] as const) {
    const address = one(`${side} address`);
    if (address && !cidrContains(address.includes('/') ? address : `${address}/32`, ip))
      return false;
    const group = one(`${side} group network-group`);
    if (group && !(fw.groups.get(group) ?? []).some((c) => cidrContains(c, ip))) return false;
  }
  const ports = one('destination port');
  if (ports) {
    if (p.port === undefined) return false;
    const hit = ports.split(',').some((x) => {
      const [lo, hi] = x.split('-').map(Number);
      return hi === undefined ? p.port === lo : p.port! >= lo! && p.port! <= hi;
    });
    if (!hit) return false;
  }
  return true;
}

/**
 * The conntrack state of a reply on a router: `established` where its request passed; on a
 * router that only sees the reply (an asymmetric path) there is no entry, and Linux refuses to
 * start one with a TCP SYN/ACK (nf_conntrack_proto_tcp.c: synack from sNO is sIV) or an ICMP
 * echo reply (nf_conntrack_proto_icmp.c `valid_new[]`: requests only), so those are `invalid`;
 * a UDP datagram opens one: `new`. The router's rules judge it so (rule 1 does not match).
 */
export function replyStateOn(
  router: string,
  requestPassed: ReadonlySet<string>,
  protocol: ReachProbe['protocol'],
): ReachProbe['state'] {
  if (requestPassed.has(router)) return 'established';
  return protocol === 'udp' ? 'new' : 'invalid';
}

/** Why the router drops the packet, or undefined when it lets it through. */
export function zoneDrops(
  fw: ZoneFirewall,
  inIface: string | undefined,
  outIface: string | undefined,
  p: ReachProbe,
): string | undefined {
  const zoneOf = (i: string | undefined) =>
    [...fw.zones].find(([, z]) => i !== undefined && z.interfaces.includes(i))?.[0];
  const to = zoneOf(outIface);
  if (to === undefined) return undefined;
  const from = zoneOf(inIface);
  const zone = fw.zones.get(to)!;
  const runSet = (name: string, where: string): string | undefined => {
    const set = fw.sets.get(name);
    for (const r of set?.rules ?? []) {
      if (!matches(fw, r, p)) continue;
      const action = r.fields.get('action')?.[0];
      if (action === 'accept' || action === 'return') return undefined;
      if (action === 'drop' || action === 'reject') {
        const said = r.fields.get('description')?.[0];
        return `rule ${r.n} of ${name}${said ? ` (${said})` : ''}, ${where}`;
      }
    }
    const d = set?.defaultAction ?? 'drop';
    return d === 'drop' || d === 'reject'
      ? `the default-action ${d} of ${name}, ${where}`
      : undefined;
  };
  if (from === to) {
    if (zone.intra?.startsWith('set:')) return runSet(zone.intra.slice(4), `within zone ${to}`);
    return zone.intra === 'drop' ? `intra-zone action drop, within zone ${to}` : undefined;
  }
  const set = from !== undefined ? zone.from.get(from) : undefined;
  if (set !== undefined) return runSet(set, `zone ${from} to ${to}`);
  return (
    `the default-action ${fw.zoneDefault.get(to) ?? 'drop'} of zone ${to} ` +
    (from ? `(no rule set from zone ${from})` : `(${inIface ?? 'its input'} is in no zone)`)
  );
}
