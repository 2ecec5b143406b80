/**
 * add-peer's `configure` step: the peer on the hub, by kind (configure-wireguard-peer.ts,
 * configure-site-peer.ts); its undo takes only this run's own peer off again.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { renderWireguardPeerRemoval } from '../vyos/render-wireguard-peer.js';
import { addPeerParams } from './add-peer-request.js';
import { configureSitePeer, removeOwnPeer } from './configure-site-peer.js';
import { configureWireguardPeer } from './configure-wireguard-peer.js';
import type { OnboardingDeps } from './onboarding-deps.js';
import { renderSitePeerRemoval } from './plan-ipsec-peer.js';

type Ctx = TypedStepContext<OnboardingDeps>;

export const configurePeer = (ctx: Ctx) =>
  addPeerParams(ctx.run).kind === 'wireguard'
    ? configureWireguardPeer(ctx)
    : configureSitePeer(ctx);

export const removeConfiguredPeer = (ctx: Ctx) =>
  removeOwnPeer(ctx, (snap) =>
    addPeerParams(ctx.run).kind === 'wireguard'
      ? renderWireguardPeerRemoval(ctx.run.target, snap.hub.wireguard.iface)
      : renderSitePeerRemoval(ctx.run.target, snap.hub),
  );
