/**
 * The traffic policy (src/config/traffic-policy.ts) as one router's VyOS 1.4 configuration
 * (docs/traffic-policy.md):
 *
 * - **Zones by interface class**: `FLATNET-VPC` (ethernet legs into VPCs or a site's LAN),
 *   `FLATNET-VPN` (VTIs to spokes, VGWs, sites), `FLATNET-WG` (WireGuard). Every pair of zones,
 *   and traffic within one zone (`intra-zone-filtering`: spoke to spoke across the hub,
 *   production to staging across a spoke), goes through the one rule set `FLATNET-POLICY`.
 *   Zones match interfaces, not networks (a VTI carries a spoke's production and staging
 *   alike), so the rule set matches roles by address: a network-group per role.
 * - **No local zone**: traffic to and from the router itself (the bot's SSH, IKE, BGP, the
 *   failover checks) is never filtered by the policy (vyos-1x nftables-zone.j2 filters the
 *   input hook only for a local zone). What the policy can cut is the bot's SSH *through* a
 *   router toward another one; /vpn policy apply refuses that (src/policy/).
 * - **Stateful**: rule 1 accepts established and related packets, so replies to a connection a
 *   rule let through always come back, whichever zone pair they cross.
 * - Policy rule N is VyOS rule 10×N, so "blocked by rule 30" names policy rule 3; what no rule
 *   matches falls to `default-action drop`.
 * - **Shaping**: a network's bandwidth is an egress `shaper` on the interface that delivers
 *   into it (`qos interface <if> egress FLATNET-<if>`, 1.4's `qos`, which replaced
 *   `traffic-policy`); a WireGuard peer's is a class of the WireGuard interface's shaper that
 *   matches its address.
 */
import type { TrafficPolicy, TrafficRule } from '../config/traffic-policy.js';
import { set, type ConfigLine } from '../vyos/config-line.js';

export const POLICY_RULESET = 'FLATNET-POLICY';
export const ZONE_OF = {
  ethernet: 'FLATNET-VPC',
  vti: 'FLATNET-VPN',
  wireguard: 'FLATNET-WG',
} as const;
/** The VyOS rule that accepts replies, before every policy rule. */
export const STATE_RULE = 1;

export const roleGroup = (role: string): string => `FLATNET-ROLE-${role}`;
export const sourceGroup = (group: string): string => `FLATNET-GROUP-${group}`;
export const shaperName = (iface: string): string => `FLATNET-${iface}`;
export const vyosRuleNumber = (policyRule: number): number => policyRule * 10;

export interface PolicyInterface {
  name: string;
  /** The label of the network it delivers into, when that is one network (for shaping). */
  network?: string;
}

export interface PolicyRouterFacts {
  router: string;
  ethernet: PolicyInterface[];
  vti: PolicyInterface[];
  wireguard: (PolicyInterface & { peers: { name: string; address: string }[] })[];
}

/**
 * A WireGuard interface has no link speed: a shaper left at `bandwidth auto` would assume 10
 * Mbit/s (vyos-1x qos/base.py `_get_bandwidth` warns "Interface speed cannot be determined")
 * and throttle every laptop, so one with only per-peer limits is given this ceiling instead.
 */
export const WIREGUARD_UNLIMITED = '10gbit';

function describeRule(r: TrafficRule): string {
  const what = r.protocol === 'all' ? 'all' : `${r.protocol} ${r.ports.join(',') || 'all ports'}`;
  const from = r.fromGroup ? ` (group ${r.fromGroup})` : '';
  return `policy rule ${r.number}: ${r.from}${from} to ${r.to} ${what} ${r.action}`;
}

function renderRuleset(policy: TrafficPolicy): ConfigLine[] {
  const base = ['firewall', 'ipv4', 'name', POLICY_RULESET];
  const out: ConfigLine[] = [
    set([...base, 'default-action'], 'drop'),
    set([...base, 'description'], 'flatnet traffic policy (docs/traffic-policy.md)'),
  ];
  const state = [...base, 'rule', String(STATE_RULE)];
  out.push(
    set([...state, 'action'], 'accept'),
    set([...state, 'description'], 'replies of connections the policy let through'),
    set([...state, 'state'], 'established'),
    set([...state, 'state'], 'related'),
  );
  for (const r of policy.rules) {
    const at = [...base, 'rule', String(vyosRuleNumber(r.number))];
    const source = r.fromGroup ? sourceGroup(r.fromGroup) : roleGroup(r.from);
    out.push(
      set([...at, 'action'], r.action),
      set([...at, 'description'], describeRule(r)),
      set([...at, 'source', 'group', 'network-group'], source),
      set([...at, 'destination', 'group', 'network-group'], roleGroup(r.to)),
    );
    if (r.protocol !== 'all') out.push(set([...at, 'protocol'], r.protocol));
    if (r.ports.length > 0) out.push(set([...at, 'destination', 'port'], r.ports.join(',')));
  }
  return out;
}

/**
 * A role's network-group holding `cidrs` (src/policy/default-role-group.ts renders it for one
 * new network, too, so a runbook's group lines are exactly what an apply would write).
 */
export function renderRoleGroup(role: string, cidrs: readonly string[]): ConfigLine[] {
  const at = ['firewall', 'group', 'network-group', roleGroup(role)];
  return [
    set([...at, 'description'], `flatnet role ${role}`),
    ...cidrs.map((cidr) => set([...at, 'network'], cidr)),
  ];
}

function renderGroups(policy: TrafficPolicy): ConfigLine[] {
  const out: ConfigLine[] = [];
  const roles = new Set(policy.rules.flatMap((r) => (r.fromGroup ? [r.to] : [r.from, r.to])));
  for (const role of [...roles].sort())
    out.push(
      ...renderRoleGroup(
        role,
        policy.networks.filter((x) => x.role === role).flatMap((n) => n.cidrs),
      ),
    );
  const groups = new Set(policy.rules.flatMap((r) => (r.fromGroup ? [r.fromGroup] : [])));
  for (const name of [...groups].sort()) {
    const at = ['firewall', 'group', 'network-group', sourceGroup(name)];
    out.push(set([...at, 'description'], `flatnet group ${name}`));
    for (const cidr of policy.groups[name] ?? []) out.push(set([...at, 'network'], cidr));
  }
  return out;
}

/**
 * The zones of one router's interfaces by class (src/policy/zone-tunnel.ts renders them for one
 * new tunnel, too, so a runbook's zone lines are exactly what an apply would write).
 */
export function renderZones(
  facts: Record<keyof typeof ZONE_OF, readonly { name: string }[]>,
): ConfigLine[] {
  const present = (Object.keys(ZONE_OF) as (keyof typeof ZONE_OF)[]).filter(
    (k) => facts[k].length > 0,
  );
  const out: ConfigLine[] = [];
  for (const kind of present) {
    const at = ['firewall', 'zone', ZONE_OF[kind]];
    out.push(set([...at, 'default-action'], 'drop'));
    for (const i of facts[kind]) out.push(set([...at, 'interface'], i.name));
    out.push(set([...at, 'intra-zone-filtering', 'firewall', 'name'], POLICY_RULESET));
    for (const from of present)
      if (from !== kind)
        out.push(set([...at, 'from', ZONE_OF[from], 'firewall', 'name'], POLICY_RULESET));
  }
  return out;
}

function renderShaper(iface: string, rate: string, description: string): ConfigLine[] {
  const at = ['qos', 'policy', 'shaper', shaperName(iface)];
  return [
    set([...at, 'bandwidth'], rate),
    set([...at, 'description'], description),
    set([...at, 'default', 'bandwidth'], '100%'),
    set([...at, 'default', 'ceiling'], '100%'),
    set(['qos', 'interface', iface, 'egress'], shaperName(iface)),
  ];
}

function renderShaping(policy: TrafficPolicy, facts: PolicyRouterFacts): ConfigLine[] {
  const out: ConfigLine[] = [];
  const limitOf = (label: string | undefined) =>
    label === undefined ? undefined : policy.networks.find((n) => n.label === label)?.bandwidth;
  for (const i of [...facts.ethernet, ...facts.vti]) {
    const rate = limitOf(i.network);
    if (rate) out.push(...renderShaper(i.name, rate, `flatnet: ${i.network} at most ${rate}`));
  }
  for (const w of facts.wireguard) {
    const poolRate = limitOf(w.network);
    const peers = w.peers
      .filter((p) => policy.peerBandwidth[p.name] !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (!poolRate && peers.length === 0) continue;
    const rate = poolRate ?? WIREGUARD_UNLIMITED;
    out.push(...renderShaper(w.name, rate, `flatnet: ${w.network ?? w.name} at most ${rate}`));
    const at = ['qos', 'policy', 'shaper', shaperName(w.name), 'class'];
    for (const [k, p] of peers.entries()) {
      const peerRate = policy.peerBandwidth[p.name]!;
      const c = [...at, String(10 + k)];
      out.push(
        set([...c, 'bandwidth'], peerRate),
        set([...c, 'ceiling'], peerRate),
        set([...c, 'description'], `flatnet: peer ${p.name} at most ${peerRate}`),
        set([...c, 'match', p.name, 'ip', 'destination', 'address'], `${p.address}/32`),
      );
    }
  }
  return out;
}

/** Every line flatnet wants under `firewall` and `qos` on this router; none without a policy. */
export function renderTrafficPolicy(
  policy: TrafficPolicy | undefined,
  facts: PolicyRouterFacts,
): ConfigLine[] {
  if (!policy) return [];
  return [
    ...renderGroups(policy),
    ...renderRuleset(policy),
    ...renderZones(facts),
    ...renderShaping(policy, facts),
  ];
}
