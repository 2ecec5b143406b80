/** WireGuard key helpers: Curve25519 keys in WireGuard's base64 form, via node:crypto. */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

// DER header of a PKCS#8 X25519 private key; the 32 raw key bytes follow it.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The public key `wg pubkey` would print for a base64 private key, or undefined if invalid. */
export function deriveWireguardPublicKey(privateKey: string): string | undefined {
  const raw = Buffer.from(privateKey, 'base64');
  if (raw.length !== 32) return undefined;
  try {
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_X25519_PREFIX, raw]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    return spki.subarray(spki.length - 32).toString('base64');
  } catch {
    return undefined;
  }
}

export function generateWireguardKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const raw = der.subarray(der.length - 32).toString('base64');
  return { privateKey: raw, publicKey: deriveWireguardPublicKey(raw) as string };
}
