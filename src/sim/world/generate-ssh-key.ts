import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key (PEM-like text). Secret: never log. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…` without a comment: the form the inventory pins. */
  publicKey: string;
}

/** An ed25519 key pair in OpenSSH format, for the bot and for each router's host key. */
export function generateSshKey(): SshKeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  const [type, key] = pair.public.trim().split(/\s+/);
  return { privateKey: pair.private, publicKey: `${type} ${key}` };
}
