/**
 * Secrets flatnet makes for people: a WireGuard key pair (X25519) when the requester gave no
 * public key, and a strong pre-shared key for a site. They live in memory for as long as one
 * step needs them: never in a log, a run record, a thread or Redis.
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';

export interface WireguardKeyPair {
  publicKey: string;
  privateKey: string;
}

const fromBase64Url = (s: string): string => Buffer.from(s, 'base64url').toString('base64');

export function generateWireguardKeyPair(): WireguardKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  if (!pub.x || !priv.d)
    throw new Error('node:crypto returned an X25519 key without its raw bytes');
  return { publicKey: fromBase64Url(pub.x), privateKey: fromBase64Url(priv.d) };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 48 characters of letters and digits (≈ 285 bits), not starting with 0: AWS's rule for
 * tunnel keys, which also keeps it safe inside VyOS quotes and swanctl.conf.
 */
export function generatePresharedKey(length = 48): string {
  let key = ALPHABET[randomInt(0, ALPHABET.length - 10)]!;
  while (key.length < length) key += ALPHABET[randomInt(0, ALPHABET.length)]!;
  return key;
}
