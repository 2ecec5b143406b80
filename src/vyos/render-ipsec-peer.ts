/**
 * A site-to-site IPsec peer on the hub, VyOS 1.4+ syntax: a named peer, PSK authentication
 * with both ids, its own IKE and ESP groups, and either a route-based VTI or policy-based
 * tunnels. On EC2 the Elastic IP is NAT'd to the instance, so `local-address` is the
 * router's PRIVATE address while the local id is normally the public one.
 */
import { BadInputError } from '../errors.js';
import { assertPeerName, del, set } from './config-line.js';
import type { ConfigLine } from './types.js';
import { assertCidr, assertIpAddress, assertPresharedKey } from './validate-network-input.js';

export interface IkeProposal {
  /** VyOS names: aes128, aes256, aes128gcm128, aes256gcm128. */
  encryption: string;
  /** sha1, sha256, sha384, sha512. */
  hash: string;
  /** DH group number as VyOS spells it: '2', '14', '19'. */
  dhGroup: string;
}

export interface EspProposal {
  encryption: string;
  hash: string;
}

export interface IkeSettings {
  keyExchange: 'ikev1' | 'ikev2';
  proposals: IkeProposal[];
  lifetimeSeconds?: number;
  /** Dead peer detection: seconds between probes and before declaring the peer dead. */
  dpd?: { intervalSeconds: number; timeoutSeconds: number };
}

export interface EspSettings {
  proposals: EspProposal[];
  /** VyOS `pfs` value: 'dh-group14', 'enable' or 'disable'. */
  pfs?: string;
  lifetimeSeconds?: number;
}

export type IpsecRouting =
  | {
      kind: 'vti';
      vtiNumber: number;
      /** This side's inside address with prefix, e.g. 169.254.10.2/30. */ address: string;
      mtu?: number;
      adjustMss?: number;
    }
  | { kind: 'policy'; tunnels: { localPrefix: string; remotePrefix: string }[] };

export interface IpsecPeerSpec {
  name: string;
  remoteAddress: string;
  /** The router's own address for IKE: on EC2 the PRIVATE address. */
  localAddress: string;
  /** Identity this side presents; default localAddress (use the Elastic IP behind NAT). */
  localId?: string;
  /** Identity expected from the peer; default remoteAddress. */
  remoteId?: string;
  presharedKey: string;
  ike: IkeSettings;
  esp: EspSettings;
  connectionType?: 'initiate' | 'respond';
  routing: IpsecRouting;
  description?: string;
}

const ALGORITHM = /^[a-z0-9]{1,24}$/;

export function ikeGroupName(peer: string): string {
  return `IKE-${peer}`;
}

export function espGroupName(peer: string): string {
  return `ESP-${peer}`;
}

function assertAlgorithms(spec: IpsecPeerSpec): void {
  if (spec.ike.proposals.length === 0 || spec.esp.proposals.length === 0) {
    throw new BadInputError(
      `peer ${spec.name} needs at least one IKE and one ESP proposal`,
      'give the algorithms both sides agreed, e.g. aes256/sha256/dh-group 14',
    );
  }
  const words = [
    ...spec.ike.proposals.flatMap((p) => [p.encryption, p.hash, p.dhGroup]),
    ...spec.esp.proposals.flatMap((p) => [p.encryption, p.hash]),
  ];
  {
    for (const word of words) {
      if (!ALGORITHM.test(word))
        throw new BadInputError(
          `algorithm ${JSON.stringify(String(word).slice(0, 30))} is not allowed`,
          'use VyOS names such as aes256, sha256 and a DH group number',
        );
    }
  }
}

function positive(n: number | undefined, what: string): string | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n <= 0 || n > 1_000_000)
    throw new BadInputError(`${what} ${n} is not allowed`, 'give a whole positive number');
  return String(n);
}

export function renderIpsecPeer(spec: IpsecPeerSpec): ConfigLine[] {
  assertPeerName(spec.name);
  assertIpAddress(spec.remoteAddress, `remote address of peer ${spec.name}`);
  assertIpAddress(spec.localAddress, `local address of peer ${spec.name}`);
  assertPresharedKey(spec.presharedKey, `pre-shared key of peer ${spec.name}`);
  assertAlgorithms(spec);
  const localId = spec.localId ?? spec.localAddress;
  const remoteId = spec.remoteId ?? spec.remoteAddress;
  const ike = ikeGroupName(spec.name);
  const esp = espGroupName(spec.name);
  const peer = ['vpn', 'ipsec', 'site-to-site', 'peer', spec.name];
  const ikeBase = ['vpn', 'ipsec', 'ike-group', ike];
  const espBase = ['vpn', 'ipsec', 'esp-group', esp];
  const lines: ConfigLine[] = [
    set(['vpn', 'ipsec', 'authentication', 'psk', spec.name, 'id'], localId),
    set(['vpn', 'ipsec', 'authentication', 'psk', spec.name, 'id'], remoteId),
    set(['vpn', 'ipsec', 'authentication', 'psk', spec.name, 'secret'], spec.presharedKey),
    set([...ikeBase, 'key-exchange'], spec.ike.keyExchange),
  ];
  const ikeLife = positive(spec.ike.lifetimeSeconds, 'IKE lifetime');
  if (ikeLife) lines.push(set([...ikeBase, 'lifetime'], ikeLife));
  if (spec.ike.dpd) {
    lines.push(
      set([...ikeBase, 'dead-peer-detection', 'action'], 'restart'),
      set(
        [...ikeBase, 'dead-peer-detection', 'interval'],
        positive(spec.ike.dpd.intervalSeconds, 'DPD interval')!,
      ),
      set(
        [...ikeBase, 'dead-peer-detection', 'timeout'],
        positive(spec.ike.dpd.timeoutSeconds, 'DPD timeout')!,
      ),
    );
  }
  spec.ike.proposals.forEach((p, i) => {
    const base = [...ikeBase, 'proposal', String(i + 1)];
    lines.push(
      set([...base, 'dh-group'], p.dhGroup),
      set([...base, 'encryption'], p.encryption),
      set([...base, 'hash'], p.hash),
    );
  });
  if (spec.esp.pfs !== undefined) {
    if (!/^(dh-group\d{1,2}|enable|disable)$/.test(spec.esp.pfs))
      throw new BadInputError(
        `PFS ${JSON.stringify(spec.esp.pfs.slice(0, 20))} is not allowed`,
        "use 'dh-group14', 'enable' or 'disable'",
      );
    lines.push(set([...espBase, 'pfs'], spec.esp.pfs));
  }
  const espLife = positive(spec.esp.lifetimeSeconds, 'ESP lifetime');
  if (espLife) lines.push(set([...espBase, 'lifetime'], espLife));
  spec.esp.proposals.forEach((p, i) => {
    const base = [...espBase, 'proposal', String(i + 1)];
    lines.push(set([...base, 'encryption'], p.encryption), set([...base, 'hash'], p.hash));
  });
  lines.push(
    set([...peer, 'authentication', 'local-id'], localId),
    set([...peer, 'authentication', 'mode'], 'pre-shared-secret'),
    set([...peer, 'authentication', 'remote-id'], remoteId),
    set([...peer, 'connection-type'], spec.connectionType ?? 'initiate'),
  );
  if (spec.description !== undefined) lines.push(set([...peer, 'description'], spec.description));
  lines.push(
    set([...peer, 'ike-group'], ike),
    set([...peer, 'default-esp-group'], esp),
    set([...peer, 'local-address'], spec.localAddress),
    set([...peer, 'remote-address'], spec.remoteAddress),
  );
  if (spec.routing.kind === 'vti') {
    // No `vpn ipsec options disable-route-autoinstall`, though VyOS's docs suggest it with VTIs.
    // It is global: vyos-1x renders charon's `install_routes` from it for every peer, so on the
    // hub it would also take away the table-220 routes the policy-based tunnels (the office,
    // policy sites) are routed by, wherever flatnet has no anchor route for them (none before
    // a run adds one, and an attach-vpc undo removes its own). It would buy nothing for the
    // VTIs: VyOS 1.4 binds a VTI child by XFRM interface id (swanctl `if_id_in/out`, vyos-1x
    // swanctl/peer.j2), and strongSwan installs no route for such a child unless
    // `kernel-netlink.install_routes_xfrmi` is set (off by default); the 0.0.0.0/0 selectors of
    // a VTI never reach table 220. And charon reads `install_routes` when it starts (kernel-
    // netlink), so set on a live hub it would change routing at the next strongSwan restart or
    // reboot rather than at the commit. The reach oracle models the same
    // (table-220 routes for policy peers only, docs/simulator.md).
    const { vtiNumber } = spec.routing;
    if (!Number.isInteger(vtiNumber) || vtiNumber < 0 || vtiNumber > 9999)
      throw new BadInputError(
        `VTI number ${vtiNumber} is not allowed`,
        'give a whole number between 0 and 9999',
      );
    assertCidr(spec.routing.address, `VTI address of peer ${spec.name}`);
    const vti = `vti${vtiNumber}`;
    lines.push(set(['interfaces', 'vti', vti, 'address'], spec.routing.address));
    if (spec.description !== undefined)
      lines.push(set(['interfaces', 'vti', vti, 'description'], spec.description));
    const mss = positive(spec.routing.adjustMss, 'MSS');
    if (mss) lines.push(set(['interfaces', 'vti', vti, 'ip', 'adjust-mss'], mss));
    const mtu = positive(spec.routing.mtu, 'MTU');
    if (mtu) lines.push(set(['interfaces', 'vti', vti, 'mtu'], mtu));
    lines.push(set([...peer, 'vti', 'bind'], vti), set([...peer, 'vti', 'esp-group'], esp));
  } else {
    if (spec.routing.tunnels.length === 0)
      throw new BadInputError(
        `policy-based peer ${spec.name} has no tunnels`,
        'give at least one local/remote prefix pair',
      );
    spec.routing.tunnels.forEach((t, i) => {
      assertCidr(t.localPrefix, `local prefix of peer ${spec.name}`);
      assertCidr(t.remotePrefix, `remote prefix of peer ${spec.name}`);
      lines.push(
        set([...peer, 'tunnel', String(i), 'local', 'prefix'], t.localPrefix),
        set([...peer, 'tunnel', String(i), 'remote', 'prefix'], t.remotePrefix),
      );
    });
  }
  return lines;
}

/** The reverse: the peer, its PSK entry, its groups, and its VTI when route-based. */
export function renderIpsecPeerRemoval(name: string, vtiNumber?: number): ConfigLine[] {
  assertPeerName(name);
  const lines = [
    del(['vpn', 'ipsec', 'site-to-site', 'peer', name]),
    del(['vpn', 'ipsec', 'authentication', 'psk', name]),
    del(['vpn', 'ipsec', 'ike-group', ikeGroupName(name)]),
    del(['vpn', 'ipsec', 'esp-group', espGroupName(name)]),
  ];
  if (vtiNumber !== undefined) lines.push(del(['interfaces', 'vti', `vti${vtiNumber}`]));
  return lines;
}
