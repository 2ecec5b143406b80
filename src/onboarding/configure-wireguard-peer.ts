/**
 * Step 3 for a WireGuard peer: put it on the router with commit-confirm, verify it is in the
 * running config and in `show interfaces wireguard <if> summary`, confirm, save.
 *
 * Without --pubkey the key pair is generated HERE, and the client file (with the private
 * key) is sent in this same step, right after the router accepted the public half: the
 * private key exists only in this step's memory, so it can be neither stored nor lost
 * between steps. If the step is re-run (a worker died before it was recorded as done), the
 * peer is found by its marker and gets a NEW key pair, and the new file says it replaces
 * any earlier one: a person never keeps a key the router does not know for longer than that
 * re-run. If the file cannot be sent, the peer is taken off the router again before the
 * step fails, so the router never holds a key nobody has.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import { RouterError } from '../errors.js';
import { set } from '../vyos/config-line.js';
import {
  renderWireguardMss,
  renderWireguardPeer,
  renderWireguardPeerRemoval,
} from '../vyos/render-wireguard-peer.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { ConfigLine } from '../vyos/types.js';
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS as S, reservedAddress } from './add-peer-steps.js';
import { checkPeerIsNew, ownPeerOf } from './check-peer-is-new.js';
import { generateWireguardKeyPair } from './generate-secrets.js';
import type { OnboardingDeps } from './onboarding-deps.js';
import { baselineAnnouncementLines } from './hub-announcements.js';
import { readRouter } from './onboarding-deps.js';
import { ownerMark } from './read-hub-config.js';
import { wireguardClientFiles, wireguardSettings } from './render-client-files.js';
import { sendClientFiles } from './send-client-files.js';
import { zoneTunnelLines } from '../policy/zone-tunnel.js';

/**
 * The peer's lines as flatnet adds them (the standby gets the very same: clients follow the Elastic
 * IP).
 */
export function renderOwnWireguardPeer(p: {
  name: string;
  publicKey: string;
  address: string;
  iface: string;
  keepaliveSeconds: number;
  runId: string;
}): ConfigLine[] {
  return [
    ...renderWireguardPeer({
      name: p.name,
      publicKey: p.publicKey,
      allowedIps: [`${p.address}/32`],
      iface: p.iface,
      ...(p.keepaliveSeconds > 0 ? { keepaliveSeconds: p.keepaliveSeconds } : {}),
    }),
    set(['interfaces', 'wireguard', p.iface, 'peer', p.name, 'description'], ownerMark(p.runId)),
  ];
}

export async function verifyWireguardPeer(
  router: RouterClient,
  iface: string,
  name: string,
  publicKey: string,
): Promise<void> {
  const config = await router.runningConfig();
  const inConfig = config.some(
    (l) =>
      l.path.join(' ') === `interfaces wireguard ${iface} peer ${name} public-key` &&
      l.value === publicKey,
  );
  if (!inConfig) throw new Error(`peer ${name} is not in the running configuration of ${iface}`);
  const summary = await router.wireguard(iface);
  if (!summary.peers.some((p) => p.publicKey === publicKey))
    throw new Error(`peer ${name} is missing from \`show interfaces wireguard ${iface} summary\``);
}

export function clientMessage(
  name: string,
  router: string,
  address: string,
  how: 'generated' | 'rotated' | 'own-key',
): string {
  const head = `Your WireGuard peer *${name}* on ${router} is ready: tunnel address ${address}.`;
  if (how === 'own-key') {
    return (
      `${head} Put your own private key (the one whose public key you gave) in the PrivateKey ` +
      `line of the attached file, then import it with \`wg-quick up\` or the WireGuard app.`
    );
  }
  const replaced =
    how === 'rotated'
      ? ' It replaces any configuration for this peer sent before: the earlier key no longer works.'
      : '';
  return (
    `${head} Import the attached file with \`wg-quick up\` or scan the QR ` +
    `code with the WireGuard app.${replaced} The private key is in this ` +
    'file only: flatnet kept no copy, so keep it safe and do not share it.'
  );
}

export async function configureWireguardPeer(ctx: TypedStepContext<OnboardingDeps>) {
  const { deps, run } = ctx;
  const params = addPeerParams(run);
  if (params.kind !== 'wireguard') throw new Error('configureWireguardPeer needs a WireGuard run');
  const name = run.target;
  const wg = wireguardSettings(params.router, deps.inventory.routers[params.router]!);
  const address = reservedAddress(ctx.result(S.reserve));
  const snap = await readRouter(deps, params.router);
  checkPeerIsNew(snap.hub, params.router, name, params, run.id);
  const resumed = ownPeerOf(snap.hub, name, run.id) === 'wireguard';

  const generated =
    params.publicKey === undefined && !ctx.dryRun ? generateWireguardKeyPair() : undefined;
  // A dry run shows the change with a throwaway key: the real one is made when it is applied.
  const publicKey =
    params.publicKey ?? generated?.publicKey ?? generateWireguardKeyPair().publicKey;
  const lines = [
    // Re-run of this step: replace our own earlier attempt rather than add a second allowed-ip.
    ...(resumed ? renderWireguardPeerRemoval(name, wg.interface) : []),
    ...renderOwnWireguardPeer({
      name,
      publicKey,
      address,
      iface: wg.interface,
      keepaliveSeconds: wg.keepaliveSeconds,
      runId: run.id,
    }),
    ...renderWireguardMss(wg.interface, snap.lines),
    // The spokes, VGWs and BGP sites must learn the pool for the laptop's replies to come back.
    ...baselineAnnouncementLines(deps.inventory, snap.lines),
    // Nothing when the policy's apply zoned the interface already (it zones every one there).
    ...zoneTunnelLines(snap.lines, [wg.interface]),
  ];
  await ctx.assertStillOwner();
  const router = deps.routers.router(params.router);
  const confirmMinutes = deps.confirmMinutes ?? 5;
  const applied = await router.applyConfig(lines, {
    confirmMinutes,
    dryRun: ctx.dryRun,
    verify: (r) => verifyWireguardPeer(r, wg.interface, name, publicKey),
  });
  await ctx.note(`compare:\n${applied.compare.trim()}`);
  const how = ctx.dryRun
    ? 'dry run: nothing committed'
    : applied.changed
      ? `committed with commit-confirm ${confirmMinutes}, verified, confirmed, saved`
      : 'already on the router';
  const detail = `${name} ${publicKey.slice(0, 8)}… ${address}/32: ${how}`;
  if (!generated)
    return {
      result: { publicKey, keyGenerated: false, committed: applied.committed },
      detail: `${detail}\n${applied.compare.trim()}`,
    };

  try {
    const files = await wireguardClientFiles({
      peerName: name,
      address,
      privateKey: generated.privateKey,
      routerName: params.router,
      router: deps.inventory.routers[params.router]!,
      inventory: deps.inventory,
    });
    const sent = await sendClientFiles(
      deps,
      run,
      clientMessage(name, params.router, address, resumed ? 'rotated' : 'generated'),
      files,
    );
    return {
      result: { publicKey, keyGenerated: true, delivered: true, committed: applied.committed },
      detail: `${detail}; key pair generated, ${sent}`,
    };
  } catch (err) {
    // Nobody has the private key: the peer must not stay on the router.
    await router
      .applyConfig(renderWireguardPeerRemoval(name, wg.interface), { confirmMinutes })
      .catch((removeErr: unknown) => {
        ctx.log.error(
          { err: String(removeErr) },
          'could not take back a peer whose key could not be delivered',
        );
      });
    throw new RouterError(
      'ROUTER_COMMAND',
      params.router,
      `the configuration for ${name} could not be sent ` +
        `(${err instanceof Error ? err.message : String(err)}), ` +
        `so the peer was removed from ${params.router} again`,
      'check that flatnet may send you direct messages, then ask again',
      { cause: err },
    );
  }
}
