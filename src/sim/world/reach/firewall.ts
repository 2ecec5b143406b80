/**
 * A router's zone-based firewall and shaping as VyOS 1.4 (sagitta) runs them, read from its
 * own `set` lines and judged on one forwarded packet. The rules are those of vyos-1x
 * `data/templates/firewall/nftables-zone.j2` and `nftables.j2`:
 *
 * - the forward hook jumps to the chain of the zone holding the **outgoing** interface
 *   (`oifname { … } jump VZONE_<zone>`); an outgoing interface in no zone is not filtered;
 * - in that chain, a packet coming in by an interface of the same zone takes the intra-zone
 *   action (`return`, i.e. accept, unless `intra-zone-filtering` says drop or names a rule set);
 *   one from a zone the destination names in `from` jumps to that rule set; anything else (an
 *   interface in no zone, a zone not named) meets the zone's `default-action` (drop);
 * - a rule set (`NAME_<set>`) takes its rules in number order, the first match deciding
 *   (`accept`, `drop`, `reject`; `return` and the end of a jumped-to set go back), then its
 *   `default-action` (drop when unset);
 * - traffic to or from the router itself is filtered only with a local zone (input/output
 *   hooks); flatnet renders none, and forwarding is all the oracle follows.
 *
 * Shaping: `qos interface <if> egress <shaper>` with `qos policy shaper` classes matching a
 * destination address (HTB: a class is held to its `ceiling`, else its `bandwidth`; percentages
 * are of the shaper's `bandwidth`).
 */
import { tokenizeCliLine } from '../../vyos/parse-cli-words.js';
import { addressOf, contains, parsePrefix, type Prefix } from './ipv4.js';

export interface FirewallRule {
  number: number;
  action?: string;
  disabled: boolean;
  description?: string;
  protocol?: string;
  states: string[];
  source: RuleSide;
  destination: RuleSide;
  jumpTarget?: string;
}

interface RuleSide {
  address?: string;
  networkGroup?: string;
  addressGroup?: string;
  port?: string;
}

export interface RuleSet {
  defaultAction: string;
  rules: FirewallRule[];
}

export interface Zone {
  name: string;
  interfaces: string[];
  local: boolean;
  defaultAction: string;
  /** From-zone → rule set. */
  from: Map<string, string>;
  intraAction?: string;
  intraRuleSet?: string;
}

export interface Shaper {
  bandwidth?: string;
  defaultRate?: string;
  classes: { number: number; rate?: string; destinations: Prefix[] }[];
}

export interface FirewallConfig {
  networkGroups: Map<string, Prefix[]>;
  addressGroups: Map<string, string[]>;
  ruleSets: Map<string, RuleSet>;
  zones: Map<string, Zone>;
  /** Interface → the shaper on its egress. */
  egress: Map<string, string>;
  shapers: Map<string, Shaper>;
}

export function emptyFirewall(): FirewallConfig {
  return {
    networkGroups: new Map(),
    addressGroups: new Map(),
    ruleSets: new Map(),
    zones: new Map(),
    egress: new Map(),
    shapers: new Map(),
  };
}

function ruleSet(fw: FirewallConfig, name: string): RuleSet {
  let s = fw.ruleSets.get(name);
  if (!s) fw.ruleSets.set(name, (s = { defaultAction: 'drop', rules: [] }));
  return s;
}

function rule(set: RuleSet, n: number): FirewallRule {
  let r = set.rules.find((x) => x.number === n);
  if (!r) {
    r = { number: n, disabled: false, states: [], source: {}, destination: {} };
    set.rules.push(r);
    set.rules.sort((a, b) => a.number - b.number);
  }
  return r;
}

function zone(fw: FirewallConfig, name: string): Zone {
  let z = fw.zones.get(name);
  if (!z)
    fw.zones.set(
      name,
      (z = { name, interfaces: [], local: false, defaultAction: 'drop', from: new Map() }),
    );
  return z;
}

function shaper(fw: FirewallConfig, name: string): Shaper {
  let s = fw.shapers.get(name);
  if (!s) fw.shapers.set(name, (s = { classes: [] }));
  return s;
}

/** Read one `set firewall …` or `set qos …` line into `fw`; other lines are ignored. */
export function readFirewallLine(fw: FirewallConfig, line: string): void {
  const w = tokenizeCliLine(line).map((t) => t.text);
  if (w[0] !== 'set') return;
  const [, a, b, c, d, e, f, g, h] = w;
  const last = w[w.length - 1]!;
  if (a === 'firewall' && b === 'group' && d !== undefined) {
    if (c === 'network-group' && e === 'network') {
      const p = f ? parsePrefix(f) : undefined;
      const list = fw.networkGroups.get(d) ?? [];
      fw.networkGroups.set(d, p ? [...list, p] : list);
    } else if (c === 'network-group') fw.networkGroups.set(d, fw.networkGroups.get(d) ?? []);
    else if (c === 'address-group' && e === 'address' && f)
      fw.addressGroups.set(d, [...(fw.addressGroups.get(d) ?? []), f]);
  } else if (a === 'firewall' && b === 'ipv4' && c === 'name' && d !== undefined) {
    const s = ruleSet(fw, d);
    if (e === 'default-action' && f) s.defaultAction = f;
    else if (e === 'rule' && f !== undefined) {
      const r = rule(s, Number(f));
      if (g === 'action' && h) r.action = h;
      else if (g === 'disable') r.disabled = true;
      else if (g === 'description' && h) r.description = h;
      else if (g === 'protocol' && h) r.protocol = h;
      else if (g === 'state' && h) r.states.push(h);
      else if (g === 'jump-target' && h) r.jumpTarget = h;
      else if ((g === 'source' || g === 'destination') && h) {
        const side = r[g];
        if (h === 'address') side.address = last;
        else if (h === 'port') side.port = last;
        else if (h === 'group' && w[9] === 'network-group') side.networkGroup = last;
        else if (h === 'group' && w[9] === 'address-group') side.addressGroup = last;
      }
    }
  } else if (a === 'firewall' && b === 'zone' && c !== undefined) {
    const z = zone(fw, c);
    if (d === 'interface' && e) z.interfaces.push(e);
    else if (d === 'local-zone') z.local = true;
    else if (d === 'default-action' && e) z.defaultAction = e;
    else if (d === 'from' && e && f === 'firewall' && g === 'name' && h) z.from.set(e, h);
    else if (d === 'intra-zone-filtering' && e === 'action' && f) z.intraAction = f;
    else if (d === 'intra-zone-filtering' && e === 'firewall' && f === 'name' && g)
      z.intraRuleSet = g;
  } else if (a === 'qos' && b === 'interface' && c && d === 'egress' && e) fw.egress.set(c, e);
  else if (a === 'qos' && b === 'policy' && c === 'shaper' && d !== undefined) {
    const s = shaper(fw, d);
    if (e === 'bandwidth' && f) s.bandwidth = f;
    else if (e === 'default' && (f === 'ceiling' || f === 'bandwidth') && g)
      s.defaultRate = f === 'ceiling' || s.defaultRate === undefined ? g : s.defaultRate;
    else if (e === 'class' && f !== undefined) {
      const n = Number(f);
      let k = s.classes.find((x) => x.number === n);
      if (!k) s.classes.push((k = { number: n, destinations: [] }));
      s.classes.sort((x, y) => x.number - y.number);
      if ((g === 'ceiling' || g === 'bandwidth') && h)
        k.rate = g === 'ceiling' || k.rate === undefined ? h : k.rate;
      else if (g === 'match' && w[9] === 'ip' && w[10] === 'destination' && w[11] === 'address') {
        const p = parsePrefix(last);
        if (p) k.destinations.push(p);
      }
    }
  }
}

/** One packet as the firewall sees it. */
export interface FirewallPacket {
  src: number;
  dst: number;
  protocol: 'tcp' | 'udp' | 'icmp';
  /** Destination port (tcp/udp). */
  dstPort?: number;
  srcPort?: number;
  /**
   * conntrack's view on this router (`ct state`): a new connection, a packet of one this router
   * let through (`established`), or one it cannot track (`invalid`). A router's conntrack holds
   * only what it saw itself, so a reply that comes back through a router the request did not
   * cross is not `established` there (src/sim/world/reach/conntrack.ts).
   */
  state: 'new' | 'established' | 'invalid';
}

export type FirewallVerdict = { accept: true } | { accept: false; by: string };

function protocolMatches(rule: string | undefined, p: FirewallPacket['protocol']): boolean {
  if (rule === undefined || rule === 'all') return true;
  const negated = rule.startsWith('!');
  const name = negated ? rule.slice(1) : rule;
  const hit = name === 'tcp_udp' ? p === 'tcp' || p === 'udp' : name === p;
  return negated ? !hit : hit;
}

function portMatches(spec: string | undefined, port: number | undefined): boolean {
  if (spec === undefined) return true;
  if (port === undefined) return false;
  const named: Record<string, number> = { ssh: 22, http: 80, https: 443, domain: 53 };
  return spec.split(',').some((raw) => {
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    const [lo, hi] = p.includes('-') ? p.split('-').map(Number) : [named[p] ?? Number(p)];
    const hit = hi === undefined ? port === lo : port >= lo! && port <= hi;
    return negated ? !hit : hit;
  });
}

function addressMatches(fw: FirewallConfig, side: RuleSide, ip: number): boolean {
  if (side.address !== undefined) {
    const negated = side.address.startsWith('!');
    const text = negated ? side.address.slice(1) : side.address;
    const p = parsePrefix(text.includes('/') ? text : `${text}/32`);
    const hit = p !== undefined && contains(p, ip);
    if (negated === hit) return false;
  }
  for (const [name, groups] of [
    [side.networkGroup, fw.networkGroups],
    [side.addressGroup, fw.addressGroups],
  ] as const) {
    if (name === undefined) continue;
    const negated = name.startsWith('!');
    const members = groups.get(negated ? name.slice(1) : name) ?? [];
    const hit = members.some((m) =>
      typeof m === 'string' ? addressOf(m) === ip : contains(m, ip),
    );
    if (negated === hit) return false;
  }
  return true;
}

function ruleMatches(fw: FirewallConfig, r: FirewallRule, p: FirewallPacket): boolean {
  if (r.disabled) return false;
  if (!protocolMatches(r.protocol, p.protocol)) return false;
  if (r.states.length > 0 && !r.states.includes(p.state)) return false;
  if (!addressMatches(fw, r.source, p.src) || !addressMatches(fw, r.destination, p.dst))
    return false;
  return portMatches(r.source.port, p.srcPort) && portMatches(r.destination.port, p.dstPort);
}

type SetOutcome = { verdict: 'accept' | 'return' } | { verdict: 'drop'; by: string };

function runRuleSet(fw: FirewallConfig, name: string, p: FirewallPacket, depth = 0): SetOutcome {
  const s = fw.ruleSets.get(name);
  // VyOS refuses a commit that names a missing set; an empty chain would return.
  if (!s || depth > 8) return { verdict: 'return' };
  for (const r of s.rules) {
    if (!ruleMatches(fw, r, p)) continue;
    const said = r.description ? ` (${r.description})` : '';
    if (r.action === 'accept') return { verdict: 'accept' };
    if (r.action === 'drop' || r.action === 'reject')
      return { verdict: 'drop', by: `rule ${r.number} of ${name}${said}` };
    if (r.action === 'return') return { verdict: 'return' };
    if (r.action === 'jump' && r.jumpTarget !== undefined) {
      const inner = runRuleSet(fw, r.jumpTarget, p, depth + 1);
      if (inner.verdict !== 'return') return inner;
    }
  }
  if (s.defaultAction === 'accept') return { verdict: 'accept' };
  if (s.defaultAction === 'drop' || s.defaultAction === 'reject')
    return { verdict: 'drop', by: `the default-action ${s.defaultAction} of ${name}` };
  return { verdict: 'return' };
}

/** The zone firewall's verdict on a packet forwarded from `inIface` out of `outIface`. */
export function judgeForward(
  fw: FirewallConfig,
  inIface: string | undefined,
  outIface: string | undefined,
  p: FirewallPacket,
): FirewallVerdict {
  const zones = [...fw.zones.values()].filter((z) => !z.local);
  const to = zones.find((z) => outIface !== undefined && z.interfaces.includes(outIface));
  if (!to) return { accept: true };
  const run = (set: string, why: string): FirewallVerdict => {
    const o = runRuleSet(fw, set, p);
    return o.verdict === 'drop' ? { accept: false, by: `${o.by}, ${why}` } : { accept: true };
  };
  const from = zones.find((z) => inIface !== undefined && z.interfaces.includes(inIface));
  if (from === to) {
    const why = `within zone ${to.name}`;
    if (to.intraRuleSet !== undefined) return run(to.intraRuleSet, why);
    if (to.intraAction === 'drop') return { accept: false, by: `intra-zone action drop, ${why}` };
    return { accept: true };
  }
  const set = from ? to.from.get(from.name) : undefined;
  if (from && set !== undefined) return run(set, `zone ${from.name} to ${to.name}`);
  return {
    accept: false,
    by:
      `the default-action ${to.defaultAction} of zone ${to.name} ` +
      (from ? `(no rule set from zone ${from.name})` : `(${inIface ?? 'its input'} is in no zone)`),
  };
}

/** Bits per second of a VyOS rate (`10mbit`, `500kbit`, a bare number is bit/s). */
export function rateBits(text: string | undefined, of?: number): number | undefined {
  if (text === undefined || text === 'auto') return undefined;
  const pct = /^(\d+)%$/.exec(text);
  if (pct) return of === undefined ? undefined : (of * Number(pct[1])) / 100;
  const m = /^(\d+)(bit|kbit|mbit|gbit|tbit)?$/.exec(text);
  if (!m) return undefined;
  const unit = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12 }[m[2] ?? 'bit'] ?? 1;
  return Number(m[1]) * unit;
}

/** The rate a packet toward `dst` is held to leaving by `iface`, in bit/s (none: unshaped). */
export function egressRate(fw: FirewallConfig, iface: string, dst: number): number | undefined {
  const name = fw.egress.get(iface);
  const s = name === undefined ? undefined : fw.shapers.get(name);
  if (!s) return undefined;
  const total = rateBits(s.bandwidth);
  const cls = s.classes.find((k) => k.destinations.some((d) => contains(d, dst)));
  const own = rateBits(cls ? cls.rate : s.defaultRate, total);
  return own !== undefined && total !== undefined ? Math.min(own, total) : (own ?? total);
}
