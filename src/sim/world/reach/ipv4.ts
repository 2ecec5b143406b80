/**
 * IPv4 prefixes for the reachability oracle: parse, contain, longest match. Its own helpers
 * (on top of the emulator's), so that the oracle depends on nothing outside src/sim.
 */
import { intToIp, ipToInt } from '../../ec2/cidr.js';

export interface Prefix {
  /** Network address as an unsigned integer. */
  base: number;
  len: number;
  text: string;
}

/** `10.0.0.0/8` (a host address is accepted and masked, as FRR and AWS normalise it). */
export function parsePrefix(text: string): Prefix | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const len = m[2] === undefined ? 32 : Number(m[2]);
  if (len > 32) return undefined;
  let ip: number;
  try {
    ip = ipToInt(m[1]!);
  } catch {
    return undefined;
  }
  const size = 2 ** (32 - len);
  const base = ip - (ip % size);
  return { base, len, text: `${intToIp(base)}/${len}` };
}

export function addressOf(text: string): number | undefined {
  try {
    return ipToInt(text.split('/')[0]!.trim());
  } catch {
    return undefined;
  }
}

export function contains(p: Prefix, ip: number): boolean {
  return ip >= p.base && ip < p.base + 2 ** (32 - p.len);
}

/** `outer` covers every address of `inner`. */
export function covers(outer: Prefix, inner: Prefix): boolean {
  return outer.len <= inner.len && contains(outer, inner.base);
}

export function ipText(ip: number): string {
  return intToIp(ip);
}

/** The entries whose prefix holds `ip`, longest first (stable for equal lengths). */
export function matching<T extends { prefix: Prefix }>(entries: readonly T[], ip: number): T[] {
  return entries.filter((e) => contains(e.prefix, ip)).sort((a, b) => b.prefix.len - a.prefix.len);
}
