/**
 * A site with a backup tunnel (inventory `sites:`, docs/monitor.md): each of its two site peers
 * is an ordinary `/vpn add-peer … ipsec` whose routes are `protocols failover` next hops
 * instead of static routes, the primary's with the lower metric, each checking the site's
 * target across its own tunnel. What add-peer checks and renders differently for them.
 */
import type { Inventory } from '../config/inventory-schema.js';
import { siteTunnelRole, type SiteTunnelRole } from '../config/site-tunnels.js';
import { BadInputError } from '../errors.js';
import { cidrContains, cidrsOverlap } from '../net/cidr.js';
import type { HubConfig } from './read-hub-config.js';

/** Only a static route-based site can have a backup tunnel, and its target must be on it. */
export function checkBackedUpSite(
  inventory: Inventory,
  name: string,
  peer: { mode: 'route' | 'policy'; bgpAsn?: number; subnets: string[] },
): void {
  const tunnel = siteTunnelRole(inventory, name);
  if (!tunnel) return;
  const field = tunnel.role === 'primary' ? `sites.${name}` : `sites.${tunnel.site}.backup`;
  if (peer.bgpAsn !== undefined || peer.mode === 'policy')
    throw new BadInputError(
      `${field} makes ${name} a tunnel with a backup, which needs a static route-based site ` +
        (peer.bgpAsn !== undefined
          ? '(BGP chooses its path itself)'
          : '(a policy tunnel has no interface to route into)'),
      `drop ${peer.bgpAsn !== undefined ? '--bgp' : '--mode policy'}, ` +
        `or take ${name} out of sites: in the inventory`,
    );
  if (!peer.subnets.some((s) => cidrContains(s, tunnel.target)))
    throw new BadInputError(
      `sites.${tunnel.site}.target ${tunnel.target} is not inside ${name}'s subnets ` +
        `(${peer.subnets.join(', ')})`,
      "give an address on the site's LAN that answers ping (its router's LAN address), " +
        'so that the check crosses the tunnel',
    );
}

/** The peer allowed to carry the same subnets: the other tunnel of the same site. */
export function partnerOf(inventory: Inventory, name: string): string | undefined {
  return siteTunnelRole(inventory, name)?.partner;
}

/**
 * The partner already on the router reaches the subnets by plain static routes (it was added
 * before `sites:` named it): a failover route beside them would always win (a kernel route,
 * distance 0), so refuse rather than leave a backup that takes all the traffic.
 */
export function checkPartnerRoutes(
  hub: HubConfig,
  tunnel: SiteTunnelRole | undefined,
  router: string,
  subnets: string[],
): void {
  if (!tunnel) return;
  const vti = hub.ipsec.find((p) => p.name === tunnel.partner)?.vti;
  const plain = hub.staticRoutes.find(
    (r) => r.via === vti && subnets.some((s) => cidrsOverlap(s, r.prefix)),
  );
  if (vti && plain)
    throw new BadInputError(
      `${tunnel.partner} reaches ${plain.prefix} on ${router} by a static route, ` +
        'not a failover route (it was added before sites: named it)',
      `remove it with \`/vpn remove-peer ${tunnel.partner}\` and add it again, ` +
        'so that both tunnels get failover routes',
    );
}
