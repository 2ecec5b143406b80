/**
 * Longest-prefix match over a long list (a router's routing table, a VPC route table), indexed
 * once per list: a map per prefix length, looked up from the longest length down, as a
 * router's FIB does. The reachability matrix asks every router about every destination: at
 * 500 routers that is 500,000 lookups into tables of 1,000 routes, and a scan of the list per
 * lookup (n² lookups × n routes) took minutes of one CPU.
 */
import { parseCidr } from '../net/cidr.js';

interface PrefixIndex<T> {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  /** Per length: network base → the first item with that prefix (the scan's winner too). */
  byLength: Map<number, Map<number, T>>;
}

const indexes = new WeakMap<readonly unknown[], Map<unknown, PrefixIndex<unknown>>>();

function buildIndex<T>(items: readonly T[], prefixOf: (t: T) => string): PrefixIndex<T> {
  const byLength = new Map<number, Map<number, T>>();
  for (const item of items) {
    const net = parseCidr(prefixOf(item));
    if (!net) continue;
    let bases = byLength.get(net.prefix);
    if (!bases) byLength.set(net.prefix, (bases = new Map()));
    if (!bases.has(net.base)) bases.set(net.base, item);
  }
  return { lengths: [...byLength.keys()].sort((a, b) => b - a), byLength };
}

function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/**
 * The item whose prefix holds `ip` with the longest length, as `longestMatch` answers, from an
 * index kept while the list lives. `prefixOf` must be the same function for the same list
 * (a module-level one): the index is kept per list and per reader.
 */
export function longestMatchIndexed<T>(
  items: readonly T[],
  prefixOf: (t: T) => string,
  ip: number,
): T | undefined {
  let perReader = indexes.get(items);
  if (!perReader) indexes.set(items, (perReader = new Map()));
  let index = perReader.get(prefixOf) as PrefixIndex<T> | undefined;
  if (!index) perReader.set(prefixOf, (index = buildIndex(items, prefixOf)));
  for (const length of index.lengths) {
    const hit = index.byLength.get(length)!.get((ip & maskOf(length)) >>> 0);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
