import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/vyos/redact-secrets.js';

const PSK = 'sup3rSecretPsk';
const WG_PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

describe('redactSecrets', () => {
  it.each([
    [
      `set vpn ipsec authentication psk OFFICE secret '${PSK}'`,
      "set vpn ipsec authentication psk OFFICE secret '[redacted]'",
    ],
    [
      `set interfaces wireguard wg0 private-key '${WG_PRIV}'`,
      "set interfaces wireguard wg0 private-key '[redacted]'",
    ],
    [
      `set interfaces wireguard wg0 peer a preshared-key '${WG_PRIV}'`,
      "set interfaces wireguard wg0 peer a preshared-key '[redacted]'",
    ],
    [`PrivateKey = ${WG_PRIV}`, 'PrivateKey = [redacted]'],
    [`PresharedKey = ${WG_PRIV}`, 'PresharedKey = [redacted]'],
    [`      secret = "${PSK}"`, '      secret = "[redacted]"'],
    [`<pre_shared_key>${PSK}</pre_shared_key>`, '<pre_shared_key>[redacted]</pre_shared_key>'],
    [`{"pre_shared_key": "${PSK}"}`, '{"pre_shared_key": "[redacted]"}'],
    [
      `TunnelOptions.1.PreSharedKey=${PSK}&Action=x`,
      'TunnelOptions.1.PreSharedKey=[redacted]&Action=x',
    ],
    [
      `authentication { pre-shared-secret ${PSK} }`,
      'authentication { pre-shared-secret [redacted] }',
    ],
    [
      `set service https api keys id bot key '${PSK}'`,
      "set service https api keys id bot key '[redacted]'",
    ],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('keeps lines that only name a secret-bearing method readable', () => {
    const line = "set vpn ipsec site-to-site peer OFFICE authentication mode 'pre-shared-secret'";
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets('  private key: (hidden)')).toBe('  private key: (hidden)');
    expect(redactSecrets('peer: XMrl=\n  public key: abc=')).toBe(
      'peer: XMrl=\n  public key: abc=',
    );
    expect(redactSecrets('no secrets here')).toBe('no secrets here');
  });

  it.each([
    'private-key not defined',
    'Wireguard private-key required for interface wg0',
    'ERROR: secret is missing for peer OFFICE',
    'password must be at least 8 characters',
    'the token expired at 14:05',
    'pre-shared-secret not configured on peer OFFICE',
  ])('leaves the words of a router error readable: %s', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it.each([
    // A set line carries the value bare as well as quoted: VyOS accepts both.
    [
      'set vpn ipsec authentication psk OFFICE secret lowercaseonly',
      'set vpn ipsec authentication psk OFFICE secret [redacted]',
    ],
    [
      'vyos@hub-tokyo-a# set interfaces wireguard wg0 private-key abcdefgh',
      'vyos@hub-tokyo-a# set interfaces wireguard wg0 private-key [redacted]',
    ],
    [
      '+set vpn ipsec site-to-site peer OFFICE authentication pre-shared-secret letmein',
      '+set vpn ipsec site-to-site peer OFFICE authentication pre-shared-secret [redacted]',
    ],
    // config.boot, as `compare` shows it: the keyword opens a statement whose only word is the
    // value.
    ['        secret lowercaseonly', '        secret [redacted]'],
    ['+           pre-shared-secret letmein', '+           pre-shared-secret [redacted]'],
    // Outside a set line, a word that looks like a key or a secret.
    [`invalid private-key ${WG_PRIV} for wg0`, 'invalid private-key [redacted] for wg0'],
    [
      `peer OFFICE pre-shared-secret ${PSK} was rejected`,
      'peer OFFICE pre-shared-secret [redacted] was rejected',
    ],
    ['wrong private-key "abc" given', 'wrong private-key "[redacted]" given'],
  ])('masks a value wherever it is one: %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('masks an OpenSSH private key block wherever it appears', () => {
    const pem =
      '-----BEGIN OPENSSH PRIVATE ' +
      'KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const out = redactSecrets(`before\n${pem}\nafter`);
    expect(out).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(out).toContain('before');
    expect(out).toContain('after');
  });

  it('masks every secret of a multi-line transcript and nothing else', () => {
    const transcript = [
      "+set vpn ipsec authentication psk OFFICE id '203.0.113.10'",
      `+set vpn ipsec authentication psk OFFICE secret '${PSK}'`,
      `+set interfaces wireguard wg0 private-key '${WG_PRIV}'`,
      '+set interfaces wireguard wg0 peer alice public-key ' +
        "'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI='",
    ].join('\r\n');
    const out = redactSecrets(transcript);
    expect(out).not.toContain(PSK);
    expect(out).not.toContain(WG_PRIV);
    expect(out).toContain('XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=');
    expect(out).toContain("id '203.0.113.10'");
  });
});
