/**
 * The flat network's address plan, read from the inventory (docs/flat-network.md).
 *
 * The **aggregates** are the few prefixes that cover every network flatnet joins: the hub
 * announces them by BGP, a developer's WireGuard AllowedIPs and a site's policy selectors and
 * static routes are exactly them. A VPC or a site attached later inside them is reachable from
 * every existing laptop and site with no new client configuration; one outside them is not, and
 * the run that adds it names whose configuration must be re-issued.
 *
 * The **assigned** prefixes are the networks already in use (VPC CIDRs, WireGuard pools, and
 * with the older list form every listed network): a new site's subnets must not overlap them.
 */
import { cidrsOverlap, formatCidr, parseCidr } from '../net/cidr.js';
import type { Inventory } from './inventory-schema.js';

export interface AssignedPrefix {
  prefix: string;
  /** Where the inventory declares it, e.g. `regions.us-east-1.vpcs.production`. */
  what: string;
}

/**
 * Every network the inventory itself names: VPC CIDRs, WireGuard pools, the older `network:` list.
 */
export function assignedPrefixes(inv: Inventory): AssignedPrefix[] {
  const found: AssignedPrefix[] = [];
  for (const [region, { vpcs }] of Object.entries(inv.regions))
    for (const v of vpcs) found.push({ prefix: v.cidr, what: `${region} VPC ${v.name}` });
  for (const [name, r] of Object.entries(inv.routers))
    if (r.wireguard) found.push({ prefix: r.wireguard.pool, what: `${name} WireGuard pool` });
  if (Array.isArray(inv.network))
    for (const n of inv.network) found.push({ prefix: n, what: 'network' });
  return dedupe(found);
}

/** True when `prefix` lies wholly inside `outer`. */
export function cidrWithin(prefix: string, outer: string): boolean {
  const p = parseCidr(prefix);
  const o = parseCidr(outer);
  return (
    p !== null && o !== null && p.prefix >= o.prefix && p.base >= o.base && p.base < o.base + o.size
  );
}

/** The prefixes of `prefixes` that no aggregate covers. */
export function outsideAggregates(
  aggregates: readonly string[],
  prefixes: readonly string[],
): string[] {
  return prefixes.filter((p) => !aggregates.some((a) => cidrWithin(p, a)));
}

/**
 * The flat network's aggregates: the declared ones (`network.aggregates`), else every assigned
 * prefix. Whatever the inventory assigns outside the declared aggregates is added (and reported
 * by checkFlatNetwork), so a laptop never loses a VPC the inventory knows.
 */
export function flatAggregates(inv: Inventory): string[] {
  const assigned = assignedPrefixes(inv).map((a) => a.prefix);
  const declared = inv.network && !Array.isArray(inv.network) ? inv.network.aggregates : undefined;
  if (!declared) return summarize(assigned);
  return summarize([...declared, ...outsideAggregates(declared, assigned)]);
}

/** Inventory problems of the address plan, in the words of check-inventory-references. */
export function checkFlatNetwork(inv: Inventory): string[] {
  const problems: string[] = [];
  const declared = inv.network && !Array.isArray(inv.network) ? inv.network.aggregates : undefined;
  if (declared) {
    for (const a of assignedPrefixes(inv))
      if (outsideAggregates(declared, [a.prefix]).length > 0)
        problems.push(
          `network.aggregates: ${a.prefix} (${a.what}) is outside every aggregate — ` +
            `widen one or add ${a.prefix}, or laptops and sites will not route to it`,
        );
  }
  return problems;
}

/** Sorted, without duplicates or prefixes another one already covers. */
function summarize(prefixes: string[]): string[] {
  const nets = [...new Set(prefixes.map((p) => formatCidr(parseCidr(p)!)))];
  return nets
    .filter((p) => !nets.some((q) => q !== p && cidrWithin(p, q)))
    .sort(
      (a, b) =>
        parseCidr(a)!.base - parseCidr(b)!.base || parseCidr(a)!.prefix - parseCidr(b)!.prefix,
    );
}

function dedupe(list: AssignedPrefix[]): AssignedPrefix[] {
  const seen = new Set<string>();
  return list.filter((a) => (seen.has(a.prefix) ? false : (seen.add(a.prefix), true)));
}

/** The assigned prefix a new subnet collides with, if any. */
export function overlappingAssigned(inv: Inventory, subnet: string): AssignedPrefix | undefined {
  return assignedPrefixes(inv).find((a) => cidrsOverlap(a.prefix, subnet));
}

/**
 * The destinations the WireGuard files issued before do not cover: outside the declared
 * aggregates, or, with none declared (files then carry every assigned prefix), outside every
 * assigned prefix (a site's subnets). Laptops do not send them into the tunnel.
 */
export function outsideIssuedAggregates(inv: Inventory, destinations: readonly string[]): string[] {
  const declared = inv.network && !Array.isArray(inv.network) ? inv.network.aggregates : undefined;
  const covering = declared ?? assignedPrefixes(inv).map((a) => a.prefix);
  return destinations.filter((d) => !covering.some((c) => cidrWithin(d, c)));
}
