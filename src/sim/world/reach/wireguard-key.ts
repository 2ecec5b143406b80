/** A WireGuard public key from its private key (`wg pubkey`): X25519 over the raw 32 bytes. */
import { createPrivateKey, createPublicKey } from 'node:crypto';

// PKCS#8 header of a raw X25519 private key (RFC 8410): the key follows as 32 bytes.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

export function wireguardPublicKey(privateKey: string): string | undefined {
  const raw = Buffer.from(privateKey, 'base64');
  if (raw.length !== 32) return undefined;
  try {
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_X25519, raw]),
      format: 'der',
      type: 'pkcs8',
    });
    return createPublicKey(key)
      .export({ format: 'der', type: 'spki' })
      .subarray(-32)
      .toString('base64');
  } catch {
    return undefined;
  }
}
