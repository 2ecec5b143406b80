/**
 * swanctl.conf for a site that runs plain strongSwan: the hub's peer mirrored, with VyOS's
 * algorithm names translated to strongSwan proposals (aes256-sha256-modp2048).
 */
import { BadInputError } from '../errors.js';
import { mirrorIpsecPeer, type HubSide } from './mirror-ipsec-peer.js';
import { renderIpsecPeer, type IpsecPeerSpec } from './render-ipsec-peer.js';
import { describeSiteRoutingForLinux } from './render-site-routing.js';

const DH: Record<string, string> = {
  '1': 'modp768',
  '2': 'modp1024',
  '5': 'modp1536',
  '14': 'modp2048',
  '15': 'modp3072',
  '16': 'modp4096',
  '19': 'ecp256',
  '20': 'ecp384',
  '21': 'ecp521',
  '31': 'curve25519',
};
const CIPHER: Record<string, string> = {
  aes128: 'aes128',
  aes256: 'aes256',
  aes128gcm128: 'aes128gcm16',
  aes256gcm128: 'aes256gcm16',
};

function dh(group: string): string {
  const v = DH[group];
  if (!v)
    throw new BadInputError(
      `DH group ${group} has no strongSwan name in flatnet`,
      `use one of ${Object.keys(DH).join(', ')}`,
    );
  return v;
}

function cipher(enc: string): string {
  const v = CIPHER[enc];
  if (!v)
    throw new BadInputError(
      `encryption ${enc} has no strongSwan name in flatnet`,
      `use one of ${Object.keys(CIPHER).join(', ')}`,
    );
  return v;
}

function proposal(kind: 'ike' | 'esp', enc: string, hash: string, group?: string): string {
  const c = cipher(enc);
  // AEAD ciphers carry their own integrity: no separate hash. But IKE still needs a PRF, and
  // strongSwan cannot derive one from an AEAD cipher: an IKE proposal without `prf…` does not
  // load ("Proposal keywords", strongSwan docs). ESP has no PRF.
  const aead = c.includes('gcm');
  const parts = !aead ? [c, hash] : kind === 'ike' ? [c, `prf${hash}`] : [c];
  if (group) parts.push(dh(group));
  return parts.join('-');
}

export function renderSwanctl(hubPeer: IpsecPeerSpec, side: HubSide): string {
  const site = mirrorIpsecPeer(hubPeer, side);
  // Rendering the VyOS form checks every name, address, key and algorithm with the same rules.
  renderIpsecPeer(site);
  const ikeProposals = site.ike.proposals
    .map((p) => proposal('ike', p.encryption, p.hash, p.dhGroup))
    .join(',');
  const pfsGroup =
    /^dh-group(\d+)$/.exec(site.esp.pfs ?? '')?.[1] ??
    (site.esp.pfs === 'enable' ? site.ike.proposals[0]?.dhGroup : undefined);
  const espProposals = site.esp.proposals
    .map((p) => proposal('esp', p.encryption, p.hash, pfsGroup))
    .join(',');
  const conn = `flatnet-${side.hubName}`;
  const routing =
    site.routing.kind === 'vti' && side.siteRouting
      ? describeSiteRoutingForLinux(side.siteRouting, 'xfrm10', site.routing.address)
      : [];
  const child =
    site.routing.kind === 'vti'
      ? [
          '        local_ts = 0.0.0.0/0',
          '        remote_ts = 0.0.0.0/0',
          '        # route-based on the hub: bind this to an XFRM interface or a VTI with mark',
          '        if_id_in = 10',
          '        if_id_out = 10',
        ]
      : [
          `        local_ts = ${site.routing.tunnels.map((t) => t.localPrefix).join(',')}`,
          `        remote_ts = ${site.routing.tunnels.map((t) => t.remotePrefix).join(',')}`,
        ];
  const lines = [
    `# flatnet: site-to-site peer ${hubPeer.name} <-> ${side.hubName} (strongSwan swanctl.conf)`,
    'connections {',
    `  ${conn} {`,
    `    version = ${site.ike.keyExchange === 'ikev1' ? 1 : 2}`,
    `    local_addrs = ${site.localAddress}`,
    `    remote_addrs = ${site.remoteAddress}`,
    `    proposals = ${ikeProposals}`,
    ...(site.ike.lifetimeSeconds ? [`    rekey_time = ${site.ike.lifetimeSeconds}s`] : []),
    ...(site.ike.dpd ? [`    dpd_delay = ${site.ike.dpd.intervalSeconds}s`] : []),
    '    local {',
    '      auth = psk',
    `      id = ${site.localId}`,
    '    }',
    '    remote {',
    '      auth = psk',
    `      id = ${site.remoteId}`,
    '    }',
    '    children {',
    `      ${side.hubName} {`,
    ...child,
    `        esp_proposals = ${espProposals}`,
    ...(site.esp.lifetimeSeconds ? [`        rekey_time = ${site.esp.lifetimeSeconds}s`] : []),
    '        dpd_action = restart',
    '        start_action = trap',
    '      }',
    '    }',
    '  }',
    '}',
    '',
    ...(routing.length > 0 ? [...routing, ''] : []),
    'secrets {',
    `  ike-${side.hubName} {`,
    `    id-site = ${site.localId}`,
    `    id-hub = ${site.remoteId}`,
    `    secret = "${site.presharedKey}"`,
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}
