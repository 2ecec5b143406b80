/**
 * Names and interface numbers for a VGW's two tunnels on the hub. VGW tunnels live from vti200
 * upwards (the hub↔spoke tunnels use small numbers), and peers are named after the VPC, as
 * the hub's existing AWS tunnels are (`aws-<vpc>-…`), so an operator reading
 * `show vpn ipsec sa` knows which VPC a tunnel serves.
 */
import { BadInputError } from '../errors.js';

export const FIRST_VGW_VTI = 200;
const MAX_VTI = 9999;
/** VyOS peer names are capped at 32 characters by flatnet; the renderer adds `-tun1`/`-tun2`. */
const MAX_BASE = 32 - '-tun1'.length;

/** The two lowest VTI numbers from `from` upwards that the hub does not use yet. */
export function chooseVtiNumbers(
  used: ReadonlySet<number>,
  from = FIRST_VGW_VTI,
): [number, number] {
  const free: number[] = [];
  for (let n = from; n <= MAX_VTI && free.length < 2; n++) if (!used.has(n)) free.push(n);
  if (free.length < 2)
    throw new BadInputError(
      `the hub has no two free VTI numbers between vti${from} and vti${MAX_VTI}`,
      'remove unused VTI interfaces from the hub',
    );
  return [free[0]!, free[1]!];
}

/** A VPC name made safe for a VyOS peer name: letters, digits, `-` and `_`, short enough. */
export function tunnelSlug(vpcName: string): string {
  const slug = vpcName
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return slug === '' ? 'vpc' : slug;
}

/**
 * `aws-<vpc>`: the renderer makes `aws-<vpc>-tun1` and `-tun2` of it. When either name is
 * already taken on the hub (another VGW of the same name), `aws-<vpc>-2`, `-3`… instead.
 */
export function chooseTunnelBaseName(vpcName: string, takenPeers: ReadonlySet<string>): string {
  const slug = tunnelSlug(vpcName);
  for (let i = 1; i < 100; i++) {
    const suffix = i === 1 ? '' : `-${i}`;
    const base = `aws-${slug}`.slice(0, MAX_BASE - suffix.length).replace(/-+$/, '') + suffix;
    if (!takenPeers.has(`${base}-tun1`) && !takenPeers.has(`${base}-tun2`)) return base;
  }
  throw new BadInputError(
    `the hub already has 99 tunnel pairs named after ${vpcName}`,
    'remove the unused aws-… peers from the hub',
  );
}
