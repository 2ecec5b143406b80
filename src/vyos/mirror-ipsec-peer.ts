/**
 * The far side of a site-to-site peer, seen from the site: what the hub calls local is
 * remote there. Used by the swanctl and remote-VyOS renderers so both sides agree by
 * construction (same proposals, same key, ids and prefixes swapped).
 */
import type { IpsecPeerSpec } from './render-ipsec-peer.js';
import type { SiteRouting } from './render-site-routing.js';
import { assertIpAddress } from './validate-network-input.js';

export interface HubSide {
  /** The name the site gives the hub (a peer name on the site's router). */
  hubName: string;
  /** The hub's public address (the Elastic IP): where the site connects to. */
  hubPublicAddress: string;
  /** The site's own address for IKE, when it is behind NAT; default its public address. */
  siteLocalAddress?: string;
  /** The site's VTI address when route-based, e.g. 169.254.10.1/30. */
  siteVtiAddress?: string;
  siteVtiNumber?: number;
  /** Route-based: how the site routes the flat network over the VTI (BGP or static routes). */
  siteRouting?: SiteRouting;
}

export function mirrorIpsecPeer(hub: IpsecPeerSpec, side: HubSide): IpsecPeerSpec {
  assertIpAddress(side.hubPublicAddress, 'hub public address');
  const hubId = hub.localId ?? side.hubPublicAddress;
  const siteId = hub.remoteId ?? hub.remoteAddress;
  return {
    name: side.hubName,
    remoteAddress: side.hubPublicAddress,
    localAddress: side.siteLocalAddress ?? hub.remoteAddress,
    localId: siteId,
    remoteId: hubId,
    presharedKey: hub.presharedKey,
    ike: hub.ike,
    esp: hub.esp,
    // The hub initiates; the site answers, so both ends never race to create duplicate SAs.
    connectionType: hub.connectionType === 'respond' ? 'initiate' : 'respond',
    routing:
      hub.routing.kind === 'vti'
        ? {
            kind: 'vti',
            vtiNumber: side.siteVtiNumber ?? hub.routing.vtiNumber,
            address: side.siteVtiAddress ?? hub.routing.address,
          }
        : {
            kind: 'policy',
            tunnels: hub.routing.tunnels.map((t) => ({
              localPrefix: t.remotePrefix,
              remotePrefix: t.localPrefix,
            })),
          },
    ...(hub.description !== undefined ? { description: hub.description } : {}),
  };
}
