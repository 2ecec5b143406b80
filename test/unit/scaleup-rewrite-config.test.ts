import { describe, expect, it } from 'vitest';
import { rewritePrivateAddress } from '../../src/scaleup/rewrite-private-address.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';

const running = parseConfigCommands(
  [
    "set interfaces ethernet eth0 address '10.0.1.10/24'",
    "set interfaces ethernet eth0 hw-id '0a:1b:2c:3d:4e:5f'",
    "set interfaces ethernet eth1 hw-id '0a:1b:2c:3d:4e:60'",
    "set interfaces vti vti10 address '169.254.10.1/30'",
    "set vpn ipsec authentication psk us-east-1 id '10.0.1.10'",
    "set vpn ipsec authentication psk us-east-1 id '198.51.100.7'",
    "set vpn ipsec authentication psk us-east-1 secret 'not-really-secret'",
    "set vpn ipsec site-to-site peer us-east-1 authentication local-id '10.0.1.10'",
    "set vpn ipsec site-to-site peer us-east-1 local-address '10.0.1.10'",
    "set vpn ipsec site-to-site peer us-east-1 remote-address '198.51.100.7'",
    "set vpn ipsec site-to-site peer office local-address '10.0.1.100'",
    "set protocols static route 110.0.1.10/32 next-hop 10.0.1.1",
    "set protocols bgp parameters router-id '10.0.1.10'",
    "set policy prefix-list LOCAL rule 10 prefix '10.0.1.10/32'",
    "set system host-name 'hub-tokyo-a'",
  ].join('\n'),
);

describe('rewritePrivateAddress', () => {
  const { lines, changes } = rewritePrivateAddress(running, '10.0.1.10', '10.0.1.23');
  const text = lines.map((l) => `${l.path.join(' ')} ${l.value ?? ''}`.trim());

  it('rewrites the private address everywhere it appears as a whole address', () => {
    expect(text).toContain('interfaces ethernet eth0 address 10.0.1.23/24');
    expect(text).toContain('vpn ipsec authentication psk us-east-1 id 10.0.1.23');
    expect(text).toContain('vpn ipsec site-to-site peer us-east-1 authentication local-id 10.0.1.23');
    expect(text).toContain('vpn ipsec site-to-site peer us-east-1 local-address 10.0.1.23');
    expect(text).toContain('protocols bgp parameters router-id 10.0.1.23');
    expect(text).toContain('policy prefix-list LOCAL rule 10 prefix 10.0.1.23/32');
    expect(text.join('\n')).not.toMatch(/(?<![\d.])10\.0\.1\.10(?!\d)/);
  });

  it('leaves addresses that merely contain the old one alone', () => {
    expect(text).toContain('vpn ipsec site-to-site peer office local-address 10.0.1.100');
    expect(text).toContain('protocols static route 110.0.1.10/32 next-hop 10.0.1.1');
  });

  it('drops hardware ids and nothing else', () => {
    expect(lines.some((l) => l.path.includes('hw-id'))).toBe(false);
    expect(lines).toHaveLength(running.length - 2);
    expect(changes.filter((c) => !c.after)).toHaveLength(2);
  });

  it('changes no other line, and keeps the order', () => {
    const untouched = running.filter((l) => !l.path.includes('hw-id'));
    const changedBefore = new Set(changes.map((c) => c.before));
    untouched.forEach((before, i) => {
      if (!changedBefore.has(before)) expect(lines[i]).toBe(before);
    });
    expect(changes.filter((c) => c.after)).toHaveLength(6);
  });

  it('is a no-op when the address does not appear', () => {
    const again = rewritePrivateAddress(lines, '10.0.1.10', '10.0.1.23');
    expect(again.changes).toHaveLength(0);
    expect(again.lines).toEqual(lines);
  });
});
