import { generateHostKey } from '../vyos/generate-keys.js';

export interface SshKeyPair {
  /** OpenSSH private key (PEM-like text). Secret: never log. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…` without a comment: the form the inventory pins. */
  publicKey: string;
}

/** An ed25519 key pair in OpenSSH format, for the bot and for each router's host key. */
export function generateSshKey(): SshKeyPair {
  const pair = generateHostKey();
  const [type, key] = pair.publicKey.split(/\s+/);
  return { privateKey: pair.privateKey, publicKey: `${type} ${key}` };
}
