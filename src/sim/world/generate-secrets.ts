/**
 * Secrets the simulated network needs: IPsec pre-shared keys and WireGuard key pairs. They
 * are generated per world so that no key is ever committed, and they only ever go into the
 * routers' configuration (never a log line).
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';

const FIRST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz123456789';
const REST = `${FIRST}0`;

/**
 * 32 characters of [A-Za-z0-9], not starting with 0: valid for VyOS and for AWS VPN tunnels alike.
 */
export function generatePreSharedKey(): string {
  let key = FIRST.charAt(randomInt(FIRST.length));
  while (key.length < 32) key += REST.charAt(randomInt(REST.length));
  return key;
}

export interface WireguardKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * A Curve25519 key pair in WireGuard's format (base64 of the raw 32 bytes), as `wg genkey | wg
 * pubkey` makes.
 */
export function generateWireguardKeyPair(): WireguardKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  // DER wraps the raw key in a fixed-length header: the key is always the last 32 bytes.
  const rawPrivate = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey: rawPrivate.toString('base64'), publicKey: rawPublic.toString('base64') };
}
