/**
 * `/vpn reissue-peer <name>`: a new client file for a WireGuard peer the router already has,
 * with the same public key and tunnel address and today's AllowedIPs (the flat network's
 * aggregates), sent privately like add-peer's. Nothing changes on any router. flatnet never
 * had the peer's private key: the file says where to put it (the person has it already), so
 * there is no QR code (one without the key could not be imported).
 */
import { BadInputError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import type { StepAction } from '../runbook/define-step.js';
import { planPeerRun } from './remove-peer-request.js';
import { routerOf } from './remove-peer-steps.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { wireguardClientFiles } from './render-client-files.js';
import { sendClientFiles } from './send-client-files.js';

export interface ReissuedPeer {
  router: string;
  address: string;
  publicKey: string;
}

// Handing out a client file is add-peer's business: the same people, the same approval.
export const reissuePeerPlanner: RunRequestPlanner = {
  plan: (command, context) =>
    planPeerRun(command, 'reissue-peer', context, { peerType: 'wireguard', policy: 'add-peer' }),
};

/** Plan: the peer as the router has it (its public key and /32), read, never changed. */
export const findWireguardPeer: StepAction<OnboardingDeps, ReissuedPeer> = async (ctx) => {
  const router = routerOf(ctx.run);
  const snap = await readRouter(ctx.deps, router);
  const peer = snap.hub.wireguard.peers.find((p) => p.name === ctx.run.target);
  if (!peer)
    throw new BadInputError(
      `${router} has no WireGuard peer named ${ctx.run.target}`,
      `see /vpn peers --router ${router}; a new peer is /vpn add-peer ${ctx.run.target}`,
    );
  const host = peer.allowedIps.find((a) => a.endsWith('/32'));
  if (!peer.publicKey || !host)
    throw new BadInputError(
      `${ctx.run.target} on ${router} has ` +
        (peer.publicKey ? 'no /32 tunnel address' : 'no public key'),
      'fix the peer by hand (show configuration commands | ' +
        `match ${ctx.run.target}), or remove it and add it again`,
    );
  const address = host.replace(/\/32$/, '');
  return {
    result: { router, address, publicKey: peer.publicKey },
    detail: `${ctx.run.target} on ${router}: ${address}, key ${peer.publicKey.slice(0, 8)}…`,
  };
};

export function deliverReissuedFile(
  find: (ctx: Parameters<StepAction<OnboardingDeps>>[0]) => ReissuedPeer,
): StepAction<OnboardingDeps> {
  return async (ctx) => {
    const peer = find(ctx);
    const files = await wireguardClientFiles({
      peerName: ctx.run.target,
      address: peer.address,
      routerName: peer.router,
      router: ctx.deps.inventory.routers[peer.router]!,
      inventory: ctx.deps.inventory,
    });
    const message =
      `A new WireGuard configuration for *${ctx.run.target}* on ${peer.router}: same key ` +
      `and tunnel address (${peer.address}), AllowedIPs for today's flat network. Put ` +
      'your private key (the one you use now) in its PrivateKey line, then re-import it ' +
      `with \`wg-quick\` or the WireGuard app. Nothing changed on the router.`;
    return { detail: await sendClientFiles(ctx.deps, ctx.run, message, files) };
  };
}
