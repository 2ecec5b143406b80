/**
 * `--pubkey` against every WireGuard key the fleet knows (issue 10 §3). A key is refused when
 * it is already a peer on any router (one device, one key pair), when it is a router's own
 * public key, and when it is a PRIVATE key flatnet can recognise: any 32 bytes are a valid
 * X25519 private key, so the bytes alone never tell (a public key is as random, and 1 in 32
 * looks "clamped" like `wg genkey` output: not reliable, so not used); but a pasted private key
 * whose public half flatnet knows is certain: a router's (the inventory's, or derived from the
 * interface's `private-key` in its configuration) or a peer's. The messages never repeat the
 * key. At the command's arrival only the inventory's router keys are known (no run, so no
 * record holds the key); the plan step reads every router of the inventory.
 */
import type { Inventory } from '../config/inventory-schema.js';
import { RefusedParamError } from '../errors.js';
import type { ConfigLine } from '../vyos/types.js';
import { wireguardPublicKeyOf } from './generate-secrets.js';

/** A WireGuard key a router holds: its interface's own (with the private half), or a peer's. */
export interface KnownWireguardKey {
  router: string;
  iface: string;
  /** The peer's name; undefined for the interface's own key. */
  peer?: string;
  publicKey: string;
  privateKey?: string;
}

/** The run parameter that holds a given key: a refusal drops it from the run's record. */
export const PUBKEY_PARAM = 'pubkey';

/** A refusal of the given key; the key itself is never in the message. */
export function refuseKey(message: string, fix: string): RefusedParamError {
  return new RefusedParamError(message, fix, PUBKEY_PARAM);
}

const NEVER_PASTE =
  'never paste a private key: give the public key (`wg pubkey < private.key` prints it), ' +
  'or leave --pubkey out and flatnet makes a key pair';

function refusePrivate(holder: string, fix: string): never {
  throw refuseKey(`--pubkey is a private key: the private half of ${holder}`, fix);
}

/**
 * A device key equal to a router's own: WireGuard would take the router for its own peer (VyOS
 * refuses the commit, "has the same public key as the interface").
 */
function refuseRouterKey(router: string): never {
  throw refuseKey(
    `--pubkey is the WireGuard public key of ${router} itself, not of a device`,
    "give the key `wg pubkey` prints on the device (not the router's), or leave --pubkey out",
  );
}

/** The target router's own key, as it reports it and as the inventory says (the plan step). */
export function checkKeyIsNotTheRouters(
  key: string,
  router: string,
  routerKeys: Array<string | undefined>,
): void {
  if (routerKeys.includes(key)) refuseRouterKey(router);
}

/** Every WireGuard key in a router's running configuration. */
export function wireguardKeysOf(router: string, lines: readonly ConfigLine[]): KnownWireguardKey[] {
  const keys: KnownWireguardKey[] = [];
  for (const { op, path, value } of lines) {
    if (op !== 'set' || value === undefined || path[0] !== 'interfaces' || path[1] !== 'wireguard')
      continue;
    const iface = path[2]!;
    if (path.length === 4 && path[3] === 'private-key')
      keys.push({ router, iface, publicKey: wireguardPublicKeyOf(value), privateKey: value });
    if (path.length === 6 && path[3] === 'peer' && path[5] === 'public-key')
      keys.push({ router, iface, peer: path[4]!, publicKey: value });
  }
  return keys;
}

/** At arrival: the routers' own keys in the inventory, as themselves or as private halves. */
export function checkKeyAgainstInventory(key: string, inventory: Inventory): void {
  const derived = wireguardPublicKeyOf(key);
  for (const [router, entry] of Object.entries(inventory.routers)) {
    const own = entry.wireguard?.publicKey;
    if (own === undefined) continue;
    if (derived === own)
      refusePrivate(
        `${router}'s own WireGuard key`,
        `${NEVER_PASTE}. Treat ${router}'s WireGuard key as exposed and replace it`,
      );
    if (key === own) refuseRouterKey(router);
  }
}

/**
 * Over the keys read from the routers: when the command arrives (nothing checked elsewhere),
 * and in the plan step. `checkedElsewhere`: routers whose peers checkPeerIsNew already
 * compared (it knows this run's own peer from an earlier attempt).
 */
export function checkKeyAgainstFleet(
  key: string,
  known: readonly KnownWireguardKey[],
  checkedElsewhere: ReadonlySet<string>,
): void {
  const derived = wireguardPublicKeyOf(key);
  const privately = known.find((k) => k.privateKey === key || k.publicKey === derived);
  if (privately?.peer !== undefined)
    refusePrivate(
      `peer ${privately.peer}'s key on ${privately.router}`,
      `${NEVER_PASTE}. Treat that device's key as exposed: /vpn remove-peer ` +
        `${privately.peer} --router ${privately.router}, then add it again with a new pair`,
    );
  if (privately)
    refusePrivate(
      `${privately.router}'s own WireGuard key (${privately.iface})`,
      `${NEVER_PASTE}. Treat ${privately.router}'s WireGuard key as exposed and replace it`,
    );
  const same = known.find((k) => k.publicKey === key && !checkedElsewhere.has(k.router));
  if (same?.peer !== undefined)
    throw refuseKey(
      `this public key is already peer ${same.peer} on ${same.router}`,
      'each device needs its own key pair: generate a new one (`wg genkey | wg pubkey`) ' +
        'or leave --pubkey out',
    );
  if (same) refuseRouterKey(same.router);
}
