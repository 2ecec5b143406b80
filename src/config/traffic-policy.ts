/**
 * The traffic policy as one typed model, read from the inventory (docs/traffic-policy.md):
 * every network with its role and bandwidth, the rules between roles, the named source groups
 * and the per-peer limits. Renderers and the SSH guard read this, never the raw YAML.
 *
 * Default for a network with no role: `traffic.defaultRole` when the inventory names one;
 * otherwise the safest rule there is, which is no rule at all — the network is given the role
 * `unassigned`, which no rule names, so it reaches nobody and nobody reaches it (replies to its
 * own connections apart) until someone gives it a role. Nothing is opened by omission.
 */
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from '../net/cidr.js';
import { cidrWithin } from './flat-network.js';
import type { Inventory } from './inventory-schema.js';

export const UNASSIGNED_ROLE = 'unassigned';

export type TrafficProtocol = 'all' | 'tcp' | 'udp' | 'tcp_udp' | 'icmp';

export interface TrafficNetwork {
  /** `<region>/<vpc>`, `site/<peer>`, `wireguard/<router>`: the words `/vpn reach` uses. */
  label: string;
  kind: 'vpc' | 'site' | 'wireguard';
  cidrs: string[];
  role: string;
  /** Where the role came from: the network's own entry, or the default. */
  roleFrom: 'inventory' | 'default';
  /** A `qos policy shaper` rate such as `10mbit`. */
  bandwidth?: string;
  /** The inventory path of the network, for messages. */
  path: string;
  /** A WireGuard pool's router. */
  router?: string;
}

export interface TrafficRule {
  /** 1-based, as in the inventory list and in `/vpn policy show`. */
  number: number;
  from: string;
  to: string;
  action: 'accept' | 'drop';
  protocol: TrafficProtocol;
  /** `22`, `8000-8080`; empty means every port. */
  ports: string[];
  fromGroup?: string;
  description?: string;
}

export interface TrafficPolicy {
  networks: TrafficNetwork[];
  rules: TrafficRule[];
  groups: Record<string, string[]>;
  peerBandwidth: Record<string, string>;
  /** Every role a network has, sorted. */
  roles: string[];
  /** Where flatnet's own SSH comes from (see TrafficSchema.botNetwork). */
  botNetwork?: string;
  /**
   * `traffic.defaultRole`: the role of a network with none of its own, and of a network the
   * inventory does not list at all (a site onboarded by `/vpn add-peer`, onboarded-sites.ts).
   */
  defaultRole?: string;
}

/** A flow through the network, as a firewall rule matches it. */
export interface Flow {
  src: string;
  dst: string;
  protocol: 'tcp' | 'udp' | 'icmp';
  port?: number;
}

/** The policy the inventory describes, or undefined when it has no `traffic:` section. */
export function readTrafficPolicy(inv: Inventory): TrafficPolicy | undefined {
  const t = inv.traffic;
  if (!t) return undefined;
  const fallback = t.defaultRole ?? UNASSIGNED_ROLE;
  const roleOf = (role: string | undefined) =>
    role !== undefined
      ? { role, roleFrom: 'inventory' as const }
      : { role: fallback, roleFrom: 'default' as const };
  const networks: TrafficNetwork[] = [];
  for (const [region, { vpcs }] of Object.entries(inv.regions))
    for (const [i, v] of vpcs.entries())
      networks.push({
        label: `${region}/${v.name}`,
        kind: 'vpc',
        cidrs: [v.cidr],
        ...roleOf(v.role),
        bandwidth: v.bandwidth,
        path: `regions.${region}.vpcs.${i}`,
      });
  for (const [name, s] of Object.entries(t.sites))
    networks.push({
      label: `site/${name}`,
      kind: 'site',
      cidrs: s.networks,
      ...roleOf(s.role),
      bandwidth: s.bandwidth,
      path: `traffic.sites.${name}`,
    });
  for (const [name, r] of Object.entries(inv.routers))
    if (r.wireguard)
      networks.push({
        label: `wireguard/${name}`,
        kind: 'wireguard',
        cidrs: [r.wireguard.pool],
        ...roleOf(r.wireguard.role),
        bandwidth: r.wireguard.bandwidth,
        path: `routers.${name}.wireguard`,
        router: name,
      });
  const rules = t.rules.map((r, i): TrafficRule => ({
    number: i + 1,
    from: r.from,
    to: r.to,
    action: r.action,
    protocol: r.protocol,
    ports: (r.ports ?? []).map(String),
    fromGroup: r.fromGroup,
    description: r.description,
  }));
  const peerBandwidth = Object.fromEntries(
    Object.entries(t.peers).map(([name, p]) => [name, p.bandwidth]),
  );
  const roles = [...new Set(networks.map((n) => n.role))].sort();
  return {
    networks,
    rules,
    groups: t.groups,
    peerBandwidth,
    roles,
    botNetwork: t.botNetwork ?? hubVpcCidr(inv),
    ...(t.defaultRole !== undefined ? { defaultRole: t.defaultRole } : {}),
  };
}

/** The VPC holding the hub router's SSH address: where flatnet runs unless told otherwise. */
function hubVpcCidr(inv: Inventory): string | undefined {
  const hub = Object.values(inv.routers).find((r) => r.role === 'hub');
  if (!hub || parseIpv4(hub.ssh.host) === null) return undefined;
  for (const { vpcs } of Object.values(inv.regions))
    for (const v of vpcs) if (cidrContains(v.cidr, hub.ssh.host)) return v.cidr;
  return undefined;
}

/** The network an address belongs to (the most specific one). */
export function networkOf(policy: TrafficPolicy, ip: string): TrafficNetwork | undefined {
  let best: { n: TrafficNetwork; len: number } | undefined;
  for (const n of policy.networks)
    for (const c of n.cidrs) {
      const len = parseCidr(c)?.prefix ?? -1;
      if (cidrContains(c, ip) && (!best || len > best.len)) best = { n, len };
    }
  return best?.n;
}

function portMatches(ports: string[], port: number | undefined): boolean {
  if (ports.length === 0) return true;
  if (port === undefined) return false;
  return ports.some((p) => {
    const [lo, hi] = p.split('-').map(Number);
    return hi === undefined ? port === lo : port >= lo! && port <= hi;
  });
}

function protocolMatches(rule: TrafficProtocol, flow: Flow['protocol']): boolean {
  if (rule === 'all') return true;
  if (rule === 'tcp_udp') return flow === 'tcp' || flow === 'udp';
  return rule === flow;
}

/**
 * The first rule that matches a new flow (it accepts or drops it), or undefined when none does
 * and the policy drops it. Traffic inside one VPC or site never crosses a router, so it is
 * always allowed (`within`); a source or a destination outside every network is no business of
 * the policy's (`outside`).
 */
export function ruleFor(
  policy: TrafficPolicy,
  flow: Flow,
): TrafficRule | 'within' | 'outside' | undefined {
  const from = networkOf(policy, flow.src);
  const to = networkOf(policy, flow.dst);
  if (!from || !to) return 'outside';
  // Two laptops of one WireGuard pool talk through the router (wg0 in, wg0 out), so the rules
  // apply to them; hosts of one VPC or site never cross a router.
  if (from === to && from.kind !== 'wireguard') return 'within';
  return policy.rules.find(
    (r) =>
      r.from === from.role &&
      r.to === to.role &&
      protocolMatches(r.protocol, flow.protocol) &&
      portMatches(r.ports, flow.port) &&
      (r.fromGroup === undefined ||
        (policy.groups[r.fromGroup] ?? []).some((c) => cidrContains(c, flow.src))),
  );
}

/** Problems of the `traffic:` section, each with its path and its fix. */
export function checkTrafficPolicy(inv: Inventory): string[] {
  const policy = readTrafficPolicy(inv);
  const t = inv.traffic;
  if (!policy || !t) return [];
  const problems: string[] = [];
  const named = new Set(
    policy.networks.filter((n) => n.roleFrom === 'inventory').map((n) => n.role),
  );
  const known = [...named].sort().join(', ') || 'none';
  if (t.defaultRole !== undefined && !named.has(t.defaultRole))
    problems.push(
      `traffic.defaultRole: no network has role "${t.defaultRole}" (roles: ${known}) — ` +
        'name a role a network has, or remove defaultRole to isolate networks without one',
    );
  for (const r of policy.rules) {
    const at = `traffic.rules.${r.number - 1}`;
    for (const side of ['from', 'to'] as const)
      if (!named.has(r[side]) && r[side] !== t.defaultRole)
        problems.push(
          `${at}.${side}: no network has role "${r[side]}" (roles: ${known}) — ` +
            'fix the name or give a network that role',
        );
    if (r.ports.length > 0 && !['tcp', 'udp', 'tcp_udp'].includes(r.protocol))
      problems.push(
        `${at}.ports: ports need protocol tcp, udp or tcp_udp (VyOS refuses a port ` +
          `with protocol ${r.protocol}) — add protocol: tcp`,
      );
    for (const p of r.ports) {
      const [lo, hi] = p.split('-').map(Number);
      if (lo! < 1 || lo! > 65535 || (hi !== undefined && (hi < lo! || hi > 65535)))
        problems.push(`${at}.ports: ${p} is not a port range of 1-65535 — write low-high`);
    }
    if (r.fromGroup !== undefined) {
      const group = policy.groups[r.fromGroup];
      if (!group)
        problems.push(
          `${at}.fromGroup: no group "${r.fromGroup}" under traffic.groups — add it ` +
            `(its addresses) or fix the name`,
        );
      else
        for (const c of group)
          if (
            !policy.networks.some((n) => n.role === r.from && n.cidrs.some((x) => cidrWithin(c, x)))
          )
            problems.push(
              `traffic.groups.${r.fromGroup}: ${c} is inside no network of role ${r.from}, ` +
                `which rule ${r.number} narrows — use addresses of a ${r.from} network`,
            );
    }
  }
  for (const [i, a] of policy.networks.entries())
    for (const b of policy.networks.slice(i + 1))
      if (a.role !== b.role && a.cidrs.some((x) => b.cidrs.some((y) => cidrsOverlap(x, y))))
        problems.push(
          `${b.path}: ${b.cidrs.join(', ')} (role ${b.role}) overlaps ${a.label} ` +
            `(role ${a.role}) — one address cannot have two roles; fix the networks`,
        );
  return problems;
}

/** Whether the policy lets a new flow through. */
export function allows(policy: TrafficPolicy, flow: Flow): boolean {
  const rule = ruleFor(policy, flow);
  return rule === 'within' || rule === 'outside' || rule?.action === 'accept';
}
