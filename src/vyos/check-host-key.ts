/**
 * Host key pinning. The inventory holds the router's `ssh-ed25519 AAAA…` line; the key the
 * server presents must be byte-for-byte that key. Anything else is refused with the key it
 * presented and its fingerprint, so the operator can check it out of band and pin it.
 */
import { createHash } from 'node:crypto';

export interface PinnedKey {
  type: string;
  blob: Buffer;
}

/** Accepts `ssh-ed25519 AAAA… comment`, or a known_hosts line `[host]:port ssh-ed25519 AAAA…`. */
export function parsePinnedKey(line: string): PinnedKey | undefined {
  const tokens = (line ?? '').trim().split(/\s+/);
  const at = tokens.findIndex((t) =>
    /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-\S+)$/.test(t),
  );
  const b64 = at >= 0 ? tokens[at + 1] : undefined;
  if (at < 0 || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, 'base64');
  return blob.length > 0 ? { type: tokens[at]!, blob } : undefined;
}

/** `SHA256:…` as ssh-keygen -l prints it. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key line a server presented, from the SSH wire blob (string type, then key data). */
export function keyLineOf(blob: Buffer): string {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type =
    len > 0 && len < 64 && blob.length >= 4 + len
      ? blob.subarray(4, 4 + len).toString('ascii')
      : 'ssh-unknown';
  return `${type} ${blob.toString('base64')}`;
}

export function hostKeyMatches(pinned: PinnedKey | undefined, presented: Buffer): boolean {
  return pinned !== undefined && pinned.blob.equals(presented);
}
