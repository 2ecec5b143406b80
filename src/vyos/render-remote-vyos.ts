/**
 * The `set` script for the site's own VyOS router: the hub's peer mirrored, then how the site
 * routes the flat network over it (BGP or static routes into the VTI), to paste in
 * configuration mode. The script carries the pre-shared key, so it goes to the requester
 * privately and never into a thread or a log.
 */
import { renderConfigLine } from './config-line.js';
import { mirrorIpsecPeer, type HubSide } from './mirror-ipsec-peer.js';
import { renderIpsecPeer, type IpsecPeerSpec } from './render-ipsec-peer.js';
import { renderSiteRouting } from './render-site-routing.js';

export function renderRemoteVyos(hubPeer: IpsecPeerSpec, side: HubSide): string {
  const site = mirrorIpsecPeer(hubPeer, side);
  const routing =
    site.routing.kind === 'vti' && side.siteRouting
      ? renderSiteRouting(side.siteRouting, `vti${site.routing.vtiNumber}`)
      : [];
  const lines = [...renderIpsecPeer(site), ...routing].map(renderConfigLine);
  return [
    `# flatnet: site-to-site peer ${hubPeer.name} <-> ${side.hubName} (VyOS 1.4+)`,
    '# Paste in configuration mode, check with `compare`, then `commit` and `save`.',
    ...lines,
    '',
  ].join('\n');
}
