/**
 * A site's `--remote` address and `--bgp` AS number, checked against the inventory before
 * anything is planned. A wrong one would not fail loudly: the hub would dial a loopback or
 * multicast address, answer its own Elastic IP, or drop the site's routes as an AS loop.
 */
import type { Inventory } from '../config/inventory-schema.js';
import { BadInputError } from '../errors.js';
import { cidrContains } from '../net/cidr.js';

/** Addresses that are never a site's public endpoint (RFC 6890 special-purpose registry). */
export const NEVER_A_REMOTE: ReadonlyArray<{ cidr: string; what: string }> = [
  { cidr: '0.0.0.0/8', what: '"this network" (0.0.0.0/8)' },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '169.254.0.0/16', what: 'link-local' },
  { cidr: '224.0.0.0/4', what: 'multicast' },
  { cidr: '240.0.0.0/4', what: 'reserved (240.0.0.0/4, with the broadcast address)' },
];

/** Private and shared ranges (RFC 1918, RFC 6598): a site behind them is not on the internet. */
const PRIVATE: ReadonlyArray<string> = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
];

/** Amazon's default Amazon-side ASN of a VGW: every VGW created without one has it. */
export const DEFAULT_VGW_ASN = 64512;

export function checkSiteRemote(inventory: Inventory, remote: string): void {
  const special = NEVER_A_REMOTE.find((r) => cidrContains(r.cidr, remote));
  if (special)
    throw new BadInputError(
      `--remote ${remote} is ${special.what}, not a site's public address`,
      "give the public IPv4 address the site's router answers IPsec on",
    );
  const ownRouter = Object.entries(inventory.routers).find(
    ([, r]) => r.elasticIp?.publicIp === remote || r.ssh.host === remote,
  );
  if (ownRouter)
    throw new BadInputError(
      `--remote ${remote} is ${ownRouter[0]}'s own ` +
        `address: the hub would peer with flatnet's router`,
      "give the site's own public address (the far side of the tunnel)",
    );
  const privateSites = privateSiteRanges(inventory);
  if (
    PRIVATE.some((p) => cidrContains(p, remote)) &&
    !privateSites.some((p) => cidrContains(p, remote))
  )
    throw new BadInputError(
      `--remote ${remote} is a private address: the hub reaches sites over the internet`,
      privateSites.length > 0
        ? 'sites reached privately must be inside ' +
            `network.privateSiteRanges (${privateSites.join(', ')})`
        : "give the site's public address, or, for a site reached " +
            'over Direct Connect or another private link, list its ' +
            'range under network.privateSiteRanges in the inventory',
    );
}

export function checkSiteAsn(inventory: Inventory, asn: number): void {
  const router = Object.entries(inventory.routers).find(
    ([, r]) => (r.asn ?? inventory.hub.asn) === asn,
  );
  if (router || asn === inventory.hub.asn)
    throw new BadInputError(
      `--bgp ${asn} is the AS of ${router ? router[0] : 'the hub'}: ` +
        `the flat network would drop the site's routes as a loop`,
      'give the site its own private ASN (64513–65534), ' +
        'different from every router of the flat network',
    );
  if (asn === DEFAULT_VGW_ASN)
    throw new BadInputError(
      `--bgp ${asn} is Amazon's default VPN gateway ASN: the ` +
        `attached VPCs would drop the site's routes as a loop`,
      'give the site its own private ASN (64513–65534)',
    );
}

function privateSiteRanges(inventory: Inventory): string[] {
  const network = inventory.network;
  return network && !Array.isArray(network) ? (network.privateSiteRanges ?? []) : [];
}
