/** IPv4 arithmetic the emulator needs: address allocation in subnets and /30 tunnel nets. */

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`not an IPv4 address: ${ip}`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
  if (!m || Number(m[2]) > 32) throw new Error(`not an IPv4 CIDR block: ${cidr}`);
  const prefix = Number(m[2]);
  const size = 2 ** (32 - prefix);
  const addr = ipToInt(m[1] as string);
  return { base: addr - (addr % size), prefix, size };
}

export function isCidr(text: string): boolean {
  try {
    const c = parseCidr(text);
    return intToIp(c.base) === text.split('/')[0];
  } catch {
    return false;
  }
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + c.size;
}
