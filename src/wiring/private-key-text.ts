/**
 * Is this file's text an unencrypted SSH private key? Checked without ssh2, which the bot
 * never loads (src/vyos/load-ssh2.ts), from the key formats themselves:
 * - OpenSSH (`-----BEGIN OPENSSH PRIVATE KEY-----`): the body starts with `openssh-key-v1\0`,
 *   then the cipher name as a length-prefixed string; `none` means unencrypted (PROTOCOL.key
 *   in the OpenSSH sources).
 * - PEM (`-----BEGIN (RSA|EC|) PRIVATE KEY-----`): encrypted ones say `Proc-Type: 4,ENCRYPTED`
 *   or `BEGIN ENCRYPTED PRIVATE KEY`.
 */
const OPENSSH = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;
const PEM = /-----BEGIN ((?:RSA |EC |DSA )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;
const MAGIC = 'openssh-key-v1\0';

export function isUnencryptedPrivateKey(text: string): boolean {
  const openssh = OPENSSH.exec(text);
  if (openssh) {
    const body = Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64');
    if (body.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return false;
    const length = body.readUInt32BE(MAGIC.length);
    return body.subarray(MAGIC.length + 4, MAGIC.length + 4 + length).toString() === 'none';
  }
  return PEM.test(text) && !/Proc-Type:\s*4,ENCRYPTED/.test(text);
}
