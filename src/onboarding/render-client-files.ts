/**
 * The files a requester imports on their side: a wg-quick file (and its QR code for the
 * WireGuard phone apps), or a site's VyOS `set` script and strongSwan swanctl.conf.
 */
import { flatAggregates } from '../config/flat-network.js';
import type { Inventory, RouterEntry } from '../config/inventory-schema.js';
import { BadInputError } from '../errors.js';
import type { HubSide } from '../vyos/mirror-ipsec-peer.js';
import type { IpsecPeerSpec } from '../vyos/render-ipsec-peer.js';
import { renderRemoteVyos } from '../vyos/render-remote-vyos.js';
import { renderSwanctl } from '../vyos/render-swanctl.js';
import { renderWgQuick } from '../vyos/render-wg-quick.js';

export interface ClientFile {
  filename: string;
  title: string;
  content: Buffer | string;
}

export interface WireguardClientInput {
  peerName: string;
  /** The peer's tunnel address, a.b.c.d. */
  address: string;
  /** Only when flatnet generated the pair; absent, the file carries a placeholder. */
  privateKey?: string;
  routerName: string;
  router: RouterEntry;
  inventory: Inventory;
}

export function wireguardSettings(
  routerName: string,
  router: RouterEntry,
): NonNullable<RouterEntry['wireguard']> {
  if (!router.wireguard)
    throw new BadInputError(
      `${routerName} has no WireGuard interface in the inventory`,
      `add routers.${routerName}.wireguard, or choose a router with --router`,
    );
  return router.wireguard;
}

/**
 * The wg-quick text: Address, the hub's key and endpoint, AllowedIPs = the flat network's
 * aggregates, keepalive.
 */
export function renderClientConfig(input: WireguardClientInput): string {
  const wg = wireguardSettings(input.routerName, input.router);
  const colon = wg.endpoint.lastIndexOf(':');
  return renderWgQuick({
    peerName: input.peerName,
    address: `${input.address}/32`,
    ...(input.privateKey !== undefined ? { privateKey: input.privateKey } : {}),
    hub: {
      name: input.routerName,
      publicKey: wg.publicKey,
      endpointHost: wg.endpoint.slice(0, colon),
      endpointPort: Number(wg.endpoint.slice(colon + 1)),
    },
    allowedIps: flatAggregates(input.inventory),
    ...(wg.keepaliveSeconds > 0 ? { keepaliveSeconds: wg.keepaliveSeconds } : {}),
  });
}

/**
 * The wg-quick file, and a QR code of it when it is complete (carries the private key): a
 * phone app imports a whole configuration from a QR code, so a file with a placeholder key
 * would only mislead. With --pubkey the person pastes their key into the file instead.
 */
export async function wireguardClientFiles(input: WireguardClientInput): Promise<ClientFile[]> {
  const text = renderClientConfig(input);
  const base = `${input.peerName}-${input.routerName}`;
  const files: ClientFile[] = [
    {
      filename: `${base}.conf`,
      title: `WireGuard configuration for ${input.peerName} (wg-quick)`,
      content: text,
    },
  ];
  if (input.privateKey !== undefined) {
    // Loaded here, not at start: only add-peer draws QR codes, and an idle process should not carry
    // it.
    const { default: QRCode } = await import('qrcode');
    const png = await QRCode.toBuffer(text, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 480,
    });
    files.push({
      filename: `${base}-qr.png`,
      title: `QR code for the WireGuard app (${input.peerName})`,
      content: png,
    });
  }
  return files;
}

/** The site's half: a VyOS script and a swanctl.conf, both carrying the pre-shared key. */
export function ipsecClientFiles(hubPeer: IpsecPeerSpec, side: HubSide): ClientFile[] {
  const base = `${hubPeer.name}-${side.hubName}`;
  return [
    {
      filename: `${base}-vyos.txt`,
      title: `VyOS commands for site ${hubPeer.name}`,
      content: renderRemoteVyos(hubPeer, side),
    },
    {
      filename: `${base}-swanctl.conf`,
      title: `strongSwan swanctl.conf for site ${hubPeer.name}`,
      content: renderSwanctl(hubPeer, side),
    },
  ];
}
