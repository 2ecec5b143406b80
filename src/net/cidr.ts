/** IPv4 arithmetic for pools, overlaps and allocations. Pure; no dependency. */

export interface Ipv4Network {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
  /** Number of addresses in the block. */
  size: number;
}

/**
 * Canonical dotted quads only: `010.001.002.003` is refused, because inet_aton (and so some
 * shells and tools on the way to a router) reads a leading zero as octal.
 */
const OCTET = '(0|[1-9]\\d{0,2})';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export function parseIpv4(text: string): number | null {
  const m = IPV4.exec(text.trim());
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parse `a.b.c.d/n`; the address is masked to the network (10.0.1.7/16 → 10.0.0.0/16). */
export function parseCidr(text: string): Ipv4Network | null {
  const [addr, bits, extra] = text.trim().split('/');
  if (addr === undefined || bits === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits))
    return null;
  const prefix = Number(bits);
  const ip = parseIpv4(addr);
  if (ip === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const base = prefix === 0 ? 0 : (ip & (~(size - 1) >>> 0)) >>> 0;
  return { base, prefix, size };
}

export function formatCidr(net: Ipv4Network): string {
  return `${formatIpv4(net.base)}/${net.prefix}`;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  return x.base < y.base + y.size && y.base < x.base + x.size;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const net = parseCidr(cidr);
  const addr = parseIpv4(ip.split('/')[0] ?? '');
  return net !== null && addr !== null && addr >= net.base && addr < net.base + net.size;
}
