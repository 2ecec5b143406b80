/**
 * Secrets flatnet makes for people: a WireGuard key pair (X25519) when the requester gave no
 * public key, and a strong pre-shared key for a site. They live in memory for as long as one
 * step needs them: never in a log, a run record, a thread or Redis.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomInt } from 'node:crypto';

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

/** PKCS#8 header of a raw X25519 private key (RFC 8410): node:crypto reads keys wrapped so. */
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * The public half of a WireGuard private key (base64 of 32 bytes). Any 32 bytes are a usable
 * X25519 private key, so this answers for every well-formed key: used to tell a pasted private
 * key by its public half, which flatnet may know (a router's, a peer's).
 */
export function wireguardPublicKeyOf(privateKey: string): string {
  const raw = Buffer.from(privateKey, 'base64');
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  if (!x) throw new Error('node:crypto returned an X25519 key without its raw bytes');
  return fromBase64Url(x);
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
