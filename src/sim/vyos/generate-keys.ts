/** Key pairs for the emulator's host keys and for the users it lets in (ed25519, OpenSSH). */
import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`). */
  privateKey: string;
  /** One authorized_keys line without comment: `ssh-ed25519 AAAA…`. */
  publicKey: string;
}

function generate(): SshKeyPair {
  // ssh2 now and then generates an ed25519 key it cannot parse back (about 1 in 150):
  // keep only a pair that round-trips, so no test or demo fails by the luck of the draw.
  for (let attempt = 0; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) || attempt >= 20)
      return { privateKey: pair.private, publicKey: pair.public.trim() };
  }
}

export function generateHostKey(): SshKeyPair {
  return generate();
}

export function generateUserKey(): SshKeyPair {
  return generate();
}
