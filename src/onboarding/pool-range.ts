/**
 * The arithmetic of a WireGuard address pool, pure so the allocator's rules are unit-tested:
 * which addresses may be handed out, and which the router already uses.
 */
import { BadInputError } from '../errors.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../net/cidr.js';

export interface PoolRange {
  /** First and last address that may go to a peer, as unsigned 32-bit integers. */
  first: number;
  last: number;
}

/**
 * The network address and the broadcast address are never handed out, and the router itself
 * holds the first host (10.250.0.1 in 10.250.0.0/24), so peers start at the second host.
 */
export function poolRange(pool: string): PoolRange {
  const net = parseCidr(pool);
  if (!net)
    throw new BadInputError(
      `WireGuard pool ${JSON.stringify(pool)} is not an IPv4 CIDR`,
      'set routers.<name>.wireguard.pool to a prefix such as 10.250.0.0/24',
    );
  if (net.prefix > 29)
    throw new BadInputError(
      `WireGuard pool ${pool} is too small for peers`,
      'use a /29 or larger (a /24 holds 253 peers)',
    );
  return { first: net.base + 2, last: net.base + net.size - 2 };
}

/**
 * Inclusive ranges of pool addresses the router already uses: every `allowed-ips` prefix of
 * its peers (a peer added by hand counts as much as one flatnet added) and its own interface
 * addresses (given as host addresses: `10.250.0.1/24` takes 10.250.0.1, not the whole /24).
 */
export function takenRanges(
  pool: string,
  peerPrefixes: string[],
  interfaceAddresses: string[] = [],
): Array<[number, number]> {
  const net = parseCidr(pool);
  if (!net) return [];
  const poolEnd = net.base + net.size - 1;
  const ranges: Array<[number, number]> = [];
  const add = (start: number, end: number) => {
    const lo = Math.max(start, net.base);
    const hi = Math.min(end, poolEnd);
    if (lo <= hi) ranges.push([lo, hi]);
  };
  for (const prefix of peerPrefixes) {
    const p = parseCidr(prefix);
    if (p) add(p.base, p.base + p.size - 1);
  }
  for (const address of interfaceAddresses) {
    const ip = parseIpv4(address.split('/')[0] ?? '');
    if (ip !== null) add(ip, ip);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/**
 * The first address of the range not covered by `taken` nor `held`; undefined when the pool is
 * full.
 */
export function firstFree(
  range: PoolRange,
  taken: Array<[number, number]>,
  held: ReadonlySet<string> = new Set(),
): string | undefined {
  for (let a = range.first; a <= range.last; a++) {
    if (taken.some(([lo, hi]) => a >= lo && a <= hi)) continue;
    const ip = formatIpv4(a);
    if (!held.has(ip)) return ip;
  }
  return undefined;
}
