/**
 * The hub's side of an AWS VPN connection, from the parameters AWS generated: two route-based
 * tunnels (one VTI each), IKE/ESP groups that match AWS's proposal exactly, and either BGP to
 * the VGW's inside addresses or, for a static-routes-only connection, static routes into the
 * tunnels (tunnel 1 preferred, tunnel 2 as a distance-10 backup: AWS forwards on one tunnel
 * at a time and asymmetric ECMP drops traffic).
 */
import { BadInputError, CloudError } from '../errors.js';
import { set } from './config-line.js';
import type { CustomerGatewayConfig, VgwTunnel } from './parse-customer-gateway-config.js';
import { renderIpsecPeer } from './render-ipsec-peer.js';
import type { ConfigLine } from './types.js';
import { assertCidr } from './validate-network-input.js';

export interface VgwTunnelsSpec {
  config: CustomerGatewayConfig;
  /** Base name; the peers become `<name>-tun1` and `<name>-tun2` (so at most 27 characters). */
  name: string;
  /** The hub's PRIVATE address (the Elastic IP is NAT'd to it). */
  localAddress: string;
  vtiNumbers: [number, number];
  /**
   * BGP connections: lines that make the hub announce what the VGW must learn (hub-announcements).
   */
  announce?: ConfigLine[];
  /** Static-only connections: the VPC prefixes to route into the tunnels. */
  staticPrefixes?: string[];
}

const ENCRYPTION: Record<string, string> = {
  'aes-128-cbc': 'aes128',
  'aes-256-cbc': 'aes256',
  'aes-128-gcm-16': 'aes128gcm128',
  'aes-256-gcm-16': 'aes256gcm128',
};
const IKE_HASH: Record<string, string> = {
  sha1: 'sha1',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
};
const ESP_HASH: Record<string, string> = {
  'hmac-sha1-96': 'sha1',
  'hmac-sha2-256-128': 'sha256',
  'hmac-sha2-384-192': 'sha384',
  'hmac-sha2-512-256': 'sha512',
};

function translate(table: Record<string, string>, value: string, what: string): string {
  const v = table[value.toLowerCase()];
  if (!v)
    throw new CloudError(
      'UnsupportedTunnelParameter',
      `AWS asked for ${what} "${value.slice(0, 40)}", which flatnet cannot map to VyOS`,
      `supported: ${Object.keys(table).join(', ')}; ` +
        'change the tunnel options of the VPN connection',
    );
  return v;
}

function dhGroup(pfs: string): string {
  const m = /^group(\d{1,2})$/i.exec(pfs);
  if (!m)
    throw new CloudError(
      'UnsupportedTunnelParameter',
      'AWS asked for perfect forward secrecy ' +
        `"${pfs.slice(0, 20)}", which flatnet cannot map to VyOS`,
      'use DH groups such as group2, group14 or group19 in the tunnel options',
    );
  return m[1]!;
}

function tunnelLines(
  t: VgwTunnel,
  peerName: string,
  localAddress: string,
  vtiNumber: number,
  description: string,
): ConfigLine[] {
  const group = dhGroup(t.ike.pfs);
  const espGroup = dhGroup(t.ipsec.pfs);
  return renderIpsecPeer({
    name: peerName,
    description,
    remoteAddress: t.vpnGateway.outsideAddress,
    localAddress,
    // Behind EC2's NAT the identities are the outside addresses AWS knows, not the private one.
    localId: t.customerGateway.outsideAddress,
    remoteId: t.vpnGateway.outsideAddress,
    presharedKey: t.ike.presharedKey,
    connectionType: 'initiate',
    ike: {
      // AWS's "main" mode is IKEv1 main mode; its IKEv2 tunnels say so explicitly.
      keyExchange: /ikev2/i.test(t.ike.mode) ? 'ikev2' : 'ikev1',
      lifetimeSeconds: t.ike.lifetimeSeconds,
      proposals: [
        {
          encryption: translate(ENCRYPTION, t.ike.encryption, 'IKE encryption'),
          hash: translate(IKE_HASH, t.ike.authentication, 'IKE hash'),
          dhGroup: group,
        },
      ],
      ...(t.ipsec.dpdIntervalSeconds !== undefined
        ? {
            dpd: {
              intervalSeconds: t.ipsec.dpdIntervalSeconds,
              timeoutSeconds: t.ipsec.dpdIntervalSeconds * (t.ipsec.dpdRetries ?? 3),
            },
          }
        : {}),
    },
    esp: {
      pfs: `dh-group${espGroup}`,
      lifetimeSeconds: t.ipsec.lifetimeSeconds,
      proposals: [
        {
          encryption: translate(ENCRYPTION, t.ipsec.encryption, 'ESP encryption'),
          hash: translate(ESP_HASH, t.ipsec.authentication, 'ESP hash'),
        },
      ],
    },
    routing: {
      kind: 'vti',
      vtiNumber,
      address: `${t.customerGateway.insideAddress}/${t.customerGateway.insidePrefixLength}`,
      ...(t.ipsec.tcpMssAdjustment !== undefined ? { adjustMss: t.ipsec.tcpMssAdjustment } : {}),
    },
  });
}

export function renderVgwTunnels(spec: VgwTunnelsSpec): ConfigLine[] {
  const { config } = spec;
  if (spec.vtiNumbers[0] === spec.vtiNumbers[1])
    throw new BadInputError(
      `both tunnels of ${config.vpnConnectionId} would use vti${spec.vtiNumbers[0]}`,
      'give two different VTI numbers',
    );
  const lines = config.tunnels.flatMap((t, i) =>
    tunnelLines(
      t,
      `${spec.name}-tun${i + 1}`,
      spec.localAddress,
      spec.vtiNumbers[i]!,
      `${config.vpnConnectionId} tunnel ${i + 1}`,
    ),
  );
  if (config.staticRoutesOnly) {
    const prefixes = spec.staticPrefixes ?? [];
    if (prefixes.length === 0)
      throw new BadInputError(
        `${config.vpnConnectionId} is static-routes-only and no VPC prefixes were given`,
        'give the VPC CIDR blocks to route into the tunnels',
      );
    for (const p of prefixes) {
      assertCidr(p, 'VPC prefix');
      lines.push(set(['protocols', 'static', 'route', p, 'interface', `vti${spec.vtiNumbers[0]}`]));
      lines.push(
        set(
          ['protocols', 'static', 'route', p, 'interface', `vti${spec.vtiNumbers[1]}`, 'distance'],
          '10',
        ),
      );
    }
    return lines;
  }
  const localAs = config.tunnels[0].customerGateway.asn!;
  lines.push(set(['protocols', 'bgp', 'system-as'], String(localAs)));
  for (const t of config.tunnels) {
    const neighbor = ['protocols', 'bgp', 'neighbor', t.vpnGateway.insideAddress];
    lines.push(set([...neighbor, 'remote-as'], String(t.vpnGateway.asn!)));
    // In 1.4 a neighbour without this exchanges no IPv4 routes at all.
    lines.push(set([...neighbor, 'address-family', 'ipv4-unicast']));
    // Every VGW flatnet meets was created by someone else, most with Amazon's default AS 64512,
    // and its ASN cannot change after creation. A prefix the hub learnt from one such VGW
    // carries 64512 in its path and another VGW would drop it as its own (AS-path loop):
    // as-override puts the hub's AS there instead, so VGW VPCs reach each other
    // (docs/flat-network.md, "Why as-override").
    lines.push(set([...neighbor, 'address-family', 'ipv4-unicast', 'as-override']));
    if (t.vpnGateway.holdTimeSeconds !== undefined) {
      lines.push(set([...neighbor, 'timers', 'holdtime'], String(t.vpnGateway.holdTimeSeconds)));
      lines.push(
        set(
          [...neighbor, 'timers', 'keepalive'],
          String(Math.max(1, Math.floor(t.vpnGateway.holdTimeSeconds / 3))),
        ),
      );
    }
  }
  lines.push(...(spec.announce ?? []));
  return lines;
}
