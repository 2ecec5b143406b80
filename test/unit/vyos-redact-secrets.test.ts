import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/vyos/redact-secrets.js';

const PSK = 'sup3rSecretPsk';
const WG_PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

describe('redactSecrets', () => {
  it.each([
    [`set vpn ipsec authentication psk OFFICE secret '${PSK}'`, "set vpn ipsec authentication psk OFFICE secret '[redacted]'"],
    [`set interfaces wireguard wg0 private-key '${WG_PRIV}'`, "set interfaces wireguard wg0 private-key '[redacted]'"],
    [`set interfaces wireguard wg0 peer a preshared-key '${WG_PRIV}'`, "set interfaces wireguard wg0 peer a preshared-key '[redacted]'"],
    [`PrivateKey = ${WG_PRIV}`, 'PrivateKey = [redacted]'],
    [`PresharedKey = ${WG_PRIV}`, 'PresharedKey = [redacted]'],
    [`      secret = "${PSK}"`, '      secret = "[redacted]"'],
    [`<pre_shared_key>${PSK}</pre_shared_key>`, '<pre_shared_key>[redacted]</pre_shared_key>'],
    [`{"pre_shared_key": "${PSK}"}`, '{"pre_shared_key": "[redacted]"}'],
    [`TunnelOptions.1.PreSharedKey=${PSK}&Action=x`, 'TunnelOptions.1.PreSharedKey=[redacted]&Action=x'],
    [`authentication { pre-shared-secret ${PSK} }`, 'authentication { pre-shared-secret [redacted] }'],
    [`set service https api keys id bot key '${PSK}'`, "set service https api keys id bot key '[redacted]'"],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('keeps lines that only name a secret-bearing method readable', () => {
    const line = "set vpn ipsec site-to-site peer OFFICE authentication mode 'pre-shared-secret'";
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets('  private key: (hidden)')).toBe('  private key: (hidden)');
    expect(redactSecrets('peer: XMrl=\n  public key: abc=')).toBe('peer: XMrl=\n  public key: abc=');
    expect(redactSecrets('no secrets here')).toBe('no secrets here');
  });

  it('masks an OpenSSH private key block wherever it appears', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----';
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
      "+set interfaces wireguard wg0 peer alice public-key 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI='",
    ].join('\r\n');
    const out = redactSecrets(transcript);
    expect(out).not.toContain(PSK);
    expect(out).not.toContain(WG_PRIV);
    expect(out).toContain('XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=');
    expect(out).toContain("id '203.0.113.10'");
  });
});
