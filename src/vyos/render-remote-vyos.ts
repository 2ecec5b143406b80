/**
 * The `set` script for the site's own VyOS router: the hub's peer mirrored, to paste in
 * configuration mode. The script carries the pre-shared key, so it goes to the requester
 * privately and never into a thread or a log.
 */
import { renderConfigLine } from './config-line.js';
import { mirrorIpsecPeer, type HubSide } from './mirror-ipsec-peer.js';
import { renderIpsecPeer, type IpsecPeerSpec } from './render-ipsec-peer.js';

export function renderRemoteVyos(hubPeer: IpsecPeerSpec, side: HubSide): string {
  const site = mirrorIpsecPeer(hubPeer, side);
  const lines = renderIpsecPeer(site).map(renderConfigLine);
  return [
    `# flatnet: site-to-site peer ${hubPeer.name} <-> ${side.hubName} (VyOS 1.4+)`,
    '# Paste in configuration mode, check with `compare`, then `commit` and `save`.',
    ...lines,
    '',
  ].join('\n');
}
