/**
 * add-peer's `deliver` step: the client configuration, privately. A WireGuard peer whose key
 * flatnet generated got its file in the configure step (the private key never left it); one
 * with its own key gets a file to paste it into. A site gets the VyOS script and swanctl.conf,
 * with the pre-shared key read back from the hub (flatnet stores none).
 */
import { BadInputError } from '../errors.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS as S, reservedAddress } from './add-peer-steps.js';
import { AddressPool } from './address-pool.js';
import { ownPeerOf } from './check-peer-is-new.js';
import { siteRequest } from './configure-site-peer.js';
import { clientMessage } from './configure-wireguard-peer.js';
import { readRouter, type OnboardingDeps } from './onboarding-deps.js';
import { ipsecPeerSpec, siteSide } from './plan-ipsec-peer.js';
import { readPresharedKey } from './read-hub-config.js';
import { ipsecClientFiles, wireguardClientFiles } from './render-client-files.js';
import { sendClientFiles } from './send-client-files.js';
import { poolRefOf } from './wireguard-pool.js';

export async function deliverClientFiles(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  if (ctx.dryRun) return { detail: 'dry run: nothing sent' };
  if (params.kind === 'wireguard') {
    const ref = poolRefOf(deps.inventory, params.router);
    const address = reservedAddress(ctx.result(S.reserve));
    let detail = 'sent together with the generated key in step 3';
    if (!ctx.result(S.configure).keyGenerated) {
      const files = await wireguardClientFiles({
        peerName: run.target,
        address,
        routerName: params.router,
        router: deps.inventory.routers[params.router]!,
        inventory: deps.inventory,
      });
      detail = await sendClientFiles(
        deps,
        run,
        clientMessage(run.target, params.router, address, 'own-key'),
        files,
      );
    }
    await new AddressPool(deps.redis, deps.prefix).markApplied(ref, run.id, run.target);
    return { result: { address }, detail };
  }
  const snap = await readRouter(deps, params.router);
  const psk = readPresharedKey(snap.lines, run.target);
  if (!psk || !ownPeerOf(snap.hub, run.target, run.id))
    throw new BadInputError(
      `${run.target} is no longer on ${params.router}`,
      'someone removed it meanwhile: ask again',
    );
  const req = siteRequest(ctx, psk);
  const files = ipsecClientFiles(ipsecPeerSpec(req, deps.inventory), siteSide(req, deps.inventory));
  const message =
    `Site-to-site peer *${run.target}* (${params.remote}) is configured on ${params.router}. ` +
    "Paste the VyOS script on the site's router, or use the swanctl.conf with strongSwan. " +
    'Both carry the pre-shared key: keep them private.';
  return { detail: await sendClientFiles(deps, run, message, files) };
}
