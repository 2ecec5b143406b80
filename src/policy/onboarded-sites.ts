/**
 * Sites a router carries that the inventory does not list (a `/vpn add-peer` whose peer name is
 * not under `traffic.sites`), as networks of the policy model, so that `allows` judges their
 * addresses as the routers do instead of calling them `outside` and letting them through.
 *
 * Their role is `traffic.defaultRole`, what the inventory says a network without a role gets,
 * and what the routers run: add-peer's `default-role` step put the site's subnets into that
 * role's network-group on every router running the policy (src/policy/default-role-group.ts),
 * and remove-peer takes them out; the apply renders the same from this model (renderGroups).
 * Without a defaultRole the site is `unassigned`: in no group, so every new connection to or
 * from it falls to the rule set's `default-action drop`. The simulator's oracle and
 * `/vpn reach` read the routers; the model must say the same (docs/traffic-policy.md).
 */
import { cidrWithin } from '../config/flat-network.js';
import {
  UNASSIGNED_ROLE,
  type TrafficNetwork,
  type TrafficPolicy,
} from '../config/traffic-policy.js';
import { sitePrefixListName } from '../onboarding/plan-ipsec-peer.js';
import { readHubConfig } from '../onboarding/read-hub-config.js';
import type { ConfigLine } from '../vyos/types.js';

export interface OnboardedSite {
  peer: string;
  subnets: string[];
}

/**
 * A router's site peers with the subnets its configuration routes to them, as add-peer writes
 * them (plan-ipsec-peer.ts): a policy-based tunnel's remote prefixes, static or failover routes
 * into its VTI, or a BGP site's inbound prefix-list. A peer with none of those (a spoke, a VGW
 * tunnel: their networks are VPCs the inventory lists) is no site.
 */
export function sitesOf(lines: ConfigLine[]): OnboardedSite[] {
  const hub = readHubConfig(lines);
  const out: OnboardedSite[] = [];
  for (const p of hub.ipsec) {
    const list = sitePrefixListName(p.name);
    const subnets = new Set([
      ...p.remotePrefixes,
      ...hub.staticRoutes.filter((r) => p.vti && r.via === p.vti).map((r) => r.prefix),
      ...hub.failoverRoutes.filter((r) => p.vti && r.via === p.vti).map((r) => r.prefix),
      ...lines
        .filter(
          (l) =>
            l.op === 'set' &&
            l.path.join(' ').startsWith(`policy prefix-list ${list} rule `) &&
            l.path[5] === 'prefix',
        )
        .flatMap((l) => (l.value ? [l.value] : [])),
    ]);
    if (subnets.size > 0) out.push({ peer: p.name, subnets: [...subnets].sort() });
  }
  return out;
}

/** The subnets of a new network that lie inside no network the policy lists. */
export function unlistedSubnets(policy: TrafficPolicy, subnets: readonly string[]): string[] {
  return subnets.filter((c) => !policy.networks.some((n) => n.cidrs.some((x) => cidrWithin(c, x))));
}

/** The role a network the inventory does not list gets: the default, else none at all. */
export const roleOfUnlisted = (policy: TrafficPolicy): string =>
  policy.defaultRole ?? UNASSIGNED_ROLE;

/** A network the routers carry that the inventory may not list (a site, an attached VPC). */
export interface UnlistedCandidate {
  label: string;
  kind: TrafficNetwork['kind'];
  cidrs: readonly string[];
  /** Where it was found, for `/vpn policy show` (`vpn ipsec site-to-site peer kobe …`). */
  path: string;
}

/**
 * The policy with every candidate it does not know yet (by label, or by every address inside a
 * network it lists) as a network of the default role (`unassigned` without one), the routers'
 * reading of it (onboarded-vpcs.ts does the same for attached VPCs).
 */
export function withUnlistedNetworks(
  policy: TrafficPolicy,
  candidates: readonly UnlistedCandidate[],
): TrafficPolicy {
  const extra: TrafficNetwork[] = [];
  const known = (label: string) => [...policy.networks, ...extra].some((n) => n.label === label);
  for (const c of candidates) {
    const unlisted = unlistedSubnets(policy, c.cidrs);
    if (known(c.label) || unlisted.length === 0) continue;
    extra.push({
      label: c.label,
      kind: c.kind,
      cidrs: unlisted,
      role: roleOfUnlisted(policy),
      roleFrom: 'default',
      path: c.path,
    });
  }
  if (extra.length === 0) return policy;
  const networks = [...policy.networks, ...extra];
  return { ...policy, networks, roles: [...new Set(networks.map((n) => n.role))].sort() };
}

/** The policy with the sites of `sites` it does not list (withUnlistedNetworks). */
export function withOnboardedSites(
  policy: TrafficPolicy,
  sites: readonly OnboardedSite[],
): TrafficPolicy {
  return withUnlistedNetworks(
    policy,
    sites.map((s) => ({
      label: `site/${s.peer}`,
      kind: 'site',
      cidrs: s.subnets,
      path: `vpn ipsec site-to-site peer ${s.peer} (not under traffic.sites)`,
    })),
  );
}
