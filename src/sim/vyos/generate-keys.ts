/** Key pairs for the emulator's host keys and for the users it lets in (ed25519, OpenSSH). */
import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`). */
  privateKey: string;
  /** One authorized_keys line without comment: `ssh-ed25519 AAAA…`. */
  publicKey: string;
}

function generate(): SshKeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

export function generateHostKey(): SshKeyPair {
  return generate();
}

export function generateUserKey(): SshKeyPair {
  return generate();
}
