/**
 * The tunnel oracle's verdict for one IPsec peer of one router: would strongSwan have a
 * child SA right now if the conditions had held long enough? Pure: the world supplies what
 * EC2 and the other routers look like. Establishment time is the world's business.
 */
import type { IpsecPeerView, RouterConfigView } from './read-router-config.js';
import type { TopoOffice } from './topology-types.js';

/** Who answers on the far side of a tunnel. */
export type FarEnd =
  | { kind: 'router'; instanceId: string; peer: string }
  | { kind: 'vpn'; vpnConnectionId: string; tunnelIndex: number }
  | { kind: 'office' }
  | { kind: 'external'; address: string };

export interface OracleRouter {
  instanceId: string;
  name: string;
  privateIp: string;
  /** Instance running and VyOS powered. */
  up: boolean;
  config: RouterConfigView;
  forcedDown: ReadonlySet<string>;
}

export interface VpnTunnelView {
  vpnConnectionId: string;
  tunnelIndex: number;
  available: boolean;
  /** Secret: compared, never shown. */
  preSharedKey: string;
  customerGatewayIp: string | undefined;
}

export interface OracleContext {
  router(instanceId: string): OracleRouter | undefined;
  /**
   * The instance an Elastic IP is associated with, or null for an allocated but unassociated one.
   */
  elasticIpHolder(publicIp: string): string | null | undefined;
  publicIpOf(instanceId: string): string | undefined;
  vpnTunnel(outsideIp: string): VpnTunnelView | undefined;
  office: TopoOffice;
  /** The configuration of a site router installed at this address (its far-side script). */
  site?(address: string): RouterConfigView | undefined;
}

export interface TunnelVerdict {
  ok: boolean;
  /** Why not, in the operator's words (for GET /state); never contains a key. */
  reason: string;
  far?: FarEnd;
}

const down = (reason: string, far?: FarEnd): TunnelVerdict => ({ ok: false, reason, far });

export function checkTunnel(
  ctx: OracleContext,
  r: OracleRouter,
  peer: IpsecPeerView,
): TunnelVerdict {
  if (!r.up) return down(`${r.name} is not running`);
  if (peer.disabled) return down('peer is disabled');
  if (r.forcedDown.has(peer.name)) return down('forced down by the control API');
  const mine = r.config.peers.get(peer.name);
  if (!mine || mine.remoteAddress === undefined) return down('peer has no remote-address');
  const publicIp = ctx.publicIpOf(r.instanceId);
  if (publicIp === undefined) return down(`${r.name} holds no Elastic IP, so nobody can reach it`);
  if (peer.localAddress !== r.privateIp)
    return down(
      `local-address ${peer.localAddress ?? '(none)'} ` +
        `is not ${r.name}'s private address ${r.privateIp}`,
    );
  if (peer.psk === undefined) return down('no pre-shared key for the peer');
  const remote = mine.remoteAddress;

  const vpn = ctx.vpnTunnel(remote);
  const holder = ctx.elasticIpHolder(remote);
  if (vpn && (holder === undefined || vpn.preSharedKey === peer.psk)) {
    const far: FarEnd = {
      kind: 'vpn',
      vpnConnectionId: vpn.vpnConnectionId,
      tunnelIndex: vpn.tunnelIndex,
    };
    if (!vpn.available) return down(`VPN connection ${vpn.vpnConnectionId} is not available`, far);
    if (vpn.preSharedKey !== peer.psk)
      return down(
        `pre-shared key differs from tunnel ${vpn.tunnelIndex + 1} of ${vpn.vpnConnectionId}`,
        far,
      );
    if (vpn.customerGatewayIp !== publicIp)
      return down(
        'the VPN connection expects the customer gateway ' +
          `${vpn.customerGatewayIp ?? '?'}, not ${publicIp}`,
        far,
      );
    return { ok: true, reason: 'up', far };
  }
  if (holder !== undefined) {
    if (holder === null) return down(`nobody holds ${remote}`);
    const f = ctx.router(holder);
    if (!f) return down(`${remote} is held by ${holder}, which runs no router`);
    if (f.instanceId === r.instanceId) return down(`${remote} is this router's own address`);
    if (!f.up) return down(`${f.name} (holding ${remote}) is not running`);
    const theirs = [...f.config.peers.values()].find(
      (q) => q.remoteAddress === publicIp && !q.disabled,
    );
    if (!theirs) return down(`${f.name} has no peer with remote-address ${publicIp}`);
    const far: FarEnd = { kind: 'router', instanceId: f.instanceId, peer: theirs.name };
    if (theirs.psk !== peer.psk)
      return down(`pre-shared key differs from ${f.name}'s peer ${theirs.name}`, far);
    if (theirs.localAddress !== f.privateIp)
      return down(
        `${f.name}'s peer ${theirs.name} has local-address ` +
          `${theirs.localAddress ?? '(none)'}, not ${f.privateIp}`,
        far,
      );
    if (f.forcedDown.has(theirs.name))
      return down(`${f.name}'s side is forced down by the control API`, far);
    return { ok: true, reason: 'up', far };
  }
  if (remote === ctx.office.remoteAddress) {
    const far: FarEnd = { kind: 'office' };
    if (publicIp !== ctx.office.expectsPublicIp)
      return down(
        `the office expects the hub at ${ctx.office.expectsPublicIp}, not ${publicIp}`,
        far,
      );
    if (peer.psk !== ctx.office.preSharedKey)
      return down('pre-shared key differs from the office', far);
    return { ok: true, reason: 'up', far };
  }
  const far: FarEnd = { kind: 'external', address: remote };
  const site = ctx.site?.(remote);
  if (site) {
    // The site's operator pasted flatnet's far-side script: judge it like any router.
    // A site with two lines to this router has two such peers: strongSwan tells them apart by
    // the address the IKE packet arrives at (local-address).
    const toward = [...site.peers.values()].filter(
      (q) => q.remoteAddress === publicIp && !q.disabled,
    );
    const theirs = toward.find((q) => q.localAddress === remote) ?? toward[0];
    if (!theirs)
      return down(`the site at ${remote} has no peer with remote-address ${publicIp}`, far);
    if (theirs.psk !== peer.psk)
      return down(`pre-shared key differs from the site at ${remote}`, far);
    if (theirs.localAddress !== undefined && ![remote, 'any'].includes(theirs.localAddress))
      return down(`the site's local-address ${theirs.localAddress} is not ${remote}`, far);
    return { ok: true, reason: 'up', far };
  }
  // A site nobody installed in the world (a peer added with /vpn add-peer ipsec): the SA is
  // shown up, as its operator was told to configure it; the reachability oracle still says
  // that no router answers there.
  return { ok: true, reason: 'up', far };
}
