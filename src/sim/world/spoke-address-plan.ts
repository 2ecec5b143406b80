/**
 * Where each spoke of the simulated world lives: its two VPCs, Elastic IP, tunnel interface
 * and AS number. The five reference spokes keep `examples/flatnet.yml`'s addresses (10.X0/16
 * Production, 10.X1/16 Staging, 198.51.100.X). The extra spokes of the scale benchmarks take
 * a plan an operator with hundreds of spokes could have, and that the product's validators
 * accept as they are (no overlap, no special-purpose address where a public one belongs):
 *
 * - VPCs: consecutive /20 pairs in 10.128.0.0/10, one block the hub VPC routes with a single
 *   route. A route per VPC would not do: an AWS route table holds at most 1000 routes ("Amazon
 *   VPC quotas", routes per route table, adjustable only up to 1000), and 500 spokes are 1000
 *   VPCs. The block is clear of the reference VPCs, 10.250.0.0/24 (WireGuard) and the
 *   10.200.x sites the tests add to the reference world.
 * - Elastic IPs: 198.18.128.0/17 (RFC 2544's benchmarking range, like the EC2 emulator's VGW
 *   outside addresses in 198.19.100.0/24), 250 a /24: no documentation address the tests give
 *   to sites (198.51.100.70–99, 198.18.7.10) can belong to a spoke.
 * - Tunnels: a spoke below 100 keeps vtiN and 169.254.N.0/30; from 100 on (vti100–199 are
 *   the sites', vti200 up the VGWs' on the hub: `plan-ipsec-peer.ts`, `choose-tunnel-names.ts`)
 *   vti1000 upwards with /30s from 169.254.224.0/19, where neither sites (169.254.100–199.x)
 *   nor the reference VGW tunnels (169.254.200.x) take addresses.
 * - AS numbers: 65000 + N, private (RFC 6996) up to 65534.
 */
import { formatIpv4, parseCidr } from '../../net/cidr.js';

export const EXTRA_SPOKES_BLOCK = '10.128.0.0/10';
const VPC_SIZE = 4096; // a /20
const EXTRA_PUBLIC_BASE = '198.18.128.0';
const PUBLIC_PER_24 = 250;
/** The first spoke tunnel numbered from vti1000 (and its /30 from 169.254.224.0/19). */
const HIGH_VTI_FROM = 100;
const HIGH_VTI_BASE = 1000;
const HIGH_TUNNEL_BLOCK = '169.254.224.0/19';
const FIRST_SPOKE_ASN = 65000;
const LAST_PRIVATE_ASN = 65534;

/** Two /20s a spoke, and as many spokes as AS numbers allow: 512 extra, 519 routers. */
export const MAX_EXTRA_SPOKES = Math.min(
  parseCidr(EXTRA_SPOKES_BLOCK)!.size / VPC_SIZE / 2,
  LAST_PRIVATE_ASN - FIRST_SPOKE_ASN - 5,
);

export interface SpokeAddresses {
  production: string;
  staging: string;
  publicIp: string;
  vti: number;
  asn: number;
}

/** The `offset`-th address of a VPC (`256 + 10` is the router's `.1.10` in its first /24). */
export function addressInVpc(cidr: string, offset: number): string {
  return formatIpv4(parseCidr(cidr)!.base + offset);
}

function extraPublicIp(extra: number): string {
  const base = parseCidr(`${EXTRA_PUBLIC_BASE}/32`)!.base;
  const k = extra - 1;
  return formatIpv4(base + Math.floor(k / PUBLIC_PER_24) * 256 + (k % PUBLIC_PER_24) + 1);
}

/** The tunnel number of spoke `index` (1-based over every spoke, reference ones first). */
export function spokeVti(index: number): number {
  return index < HIGH_VTI_FROM ? index : HIGH_VTI_BASE + index - HIGH_VTI_FROM;
}

/** `.1` (hub side) or `.2` (spoke side) of the /30 of the hub↔spoke tunnel `vtiN`. */
export function spokeTunnelAddress(vti: number, side: 'hub' | 'spoke'): string {
  const host = side === 'hub' ? 1 : 2;
  if (vti < HIGH_VTI_BASE) return `169.254.${vti}.${host}`;
  return formatIpv4(parseCidr(HIGH_TUNNEL_BLOCK)!.base + 4 * (vti - HIGH_VTI_BASE) + host);
}

/**
 * The addresses of the `extra`-th extra spoke (1-based), whose index over every spoke is
 * `index`.
 */
export function extraSpokeAddresses(extra: number, index: number): SpokeAddresses {
  const first = parseCidr(EXTRA_SPOKES_BLOCK)!.base + (extra - 1) * 2 * VPC_SIZE;
  return {
    production: `${formatIpv4(first)}/20`,
    staging: `${formatIpv4(first + VPC_SIZE)}/20`,
    publicIp: extraPublicIp(extra),
    vti: spokeVti(index),
    asn: FIRST_SPOKE_ASN + index,
  };
}

/** A reference spoke: 10.X0/16 and 10.X1/16, 198.51.100.(6+N), vtiN. */
export function referenceSpokeAddresses(octet: number, index: number): SpokeAddresses {
  return {
    production: `10.${octet}.0.0/16`,
    staging: `10.${octet + 1}.0.0/16`,
    publicIp: `198.51.100.${6 + index}`,
    vti: spokeVti(index),
    asn: FIRST_SPOKE_ASN + index,
  };
}
