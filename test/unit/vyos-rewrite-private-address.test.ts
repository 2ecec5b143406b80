/**
 * The one private-address rewrite (src/vyos): what scale-up copies to the new router, and
 * what its dry run shows. Merges the assertions of the two rewrites it replaced.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { rewritePrivateAddress, showConfigLine } from '../../src/vyos/rewrite-private-address.js';
import type { ConfigLine } from '../../src/vyos/types.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/vyos/${name}`, import.meta.url), 'utf8');
const script = (lines: ConfigLine[]) => `${lines.map(renderConfigLine).join('\n')}\n`;

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
    'set protocols static route 110.0.1.10/32 next-hop 10.0.1.1',
    "set protocols bgp parameters router-id '10.0.1.10'",
    "set policy prefix-list LOCAL rule 10 prefix '10.0.1.10/32'",
    "set system host-name 'hub-tokyo-a'",
  ].join('\n'),
);

describe('rewritePrivateAddress on a hub configuration', () => {
  const { lines, changes } = rewritePrivateAddress(running, { from: '10.0.1.10', to: '10.0.1.23' });
  const text = lines.map((l) => `${l.path.join(' ')} ${l.value ?? ''}`.trim());

  it('rewrites the private address everywhere it appears as a whole address', () => {
    expect(text).toContain('interfaces ethernet eth0 address 10.0.1.23/24');
    expect(text).toContain('vpn ipsec authentication psk us-east-1 id 10.0.1.23');
    expect(text).toContain(
      'vpn ipsec site-to-site peer us-east-1 authentication local-id 10.0.1.23',
    );
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
    const again = rewritePrivateAddress(lines, { from: '10.0.1.10', to: '10.0.1.23' });
    expect(again.changes).toHaveLength(0);
    expect(again.lines).toEqual(lines);
  });
});

describe('rewritePrivateAddress on the captured configuration', () => {
  it('replaces the old private address everywhere and drops hw-id', () => {
    const captured = parseConfigCommands(fixture('config-commands.txt'));
    const out = rewritePrivateAddress(captured, { from: '10.0.1.10', to: '10.0.1.77' }).lines;
    const text = script(out.filter((l) => !l.path.includes('banner')));
    expect(text).not.toContain('10.0.1.10');
    expect(text).not.toContain('hw-id');
    expect(text).toContain("set vpn ipsec site-to-site peer OFFICE local-address '10.0.1.77'");
    expect(text).toContain("set vpn ipsec authentication psk OFFICE id '10.0.1.77'");
    expect(out).toHaveLength(captured.length - 2); // hw-id and the login banner
  });

  it(
    'leaves system login (crypt hashes) to the new ' +
      'instance, so every line it returns is applicable',
    () => {
      const withLogin = parseConfigCommands(
        'set system login user vyos authentication encrypted-password ' +
          "'$6$rounds=656000$abc$def'\nset system host-name 'hub-tokyo-a'\n",
      );
      const { lines, changes } = rewritePrivateAddress(withLogin, {
        from: '10.0.1.10',
        to: '10.0.1.77',
      });
      expect(lines).toEqual([{ op: 'set', path: ['system', 'host-name'], value: 'hub-tokyo-a' }]);
      expect(() => lines.map(renderConfigLine)).not.toThrow();
      // The dry run lists the dropped login line as a change without an "after".
      expect(changes).toEqual([{ before: withLogin[0] }]);
    },
  );

  it('does not touch addresses that merely start with the old one', () => {
    const lines: ConfigLine[] = [
      { op: 'set', path: ['interfaces', 'ethernet', 'eth1', 'address'], value: '10.0.1.100/24' },
      { op: 'set', path: ['interfaces', 'ethernet', 'eth0', 'address'], value: '10.0.1.1/24' },
      {
        op: 'set',
        path: ['protocols', 'bgp', 'neighbor', '10.0.1.1', 'update-source'],
        value: '10.0.1.1',
      },
    ];
    expect(rewritePrivateAddress(lines, { from: '10.0.1.1', to: '10.0.2.2' }).lines).toEqual([
      { op: 'set', path: ['interfaces', 'ethernet', 'eth1', 'address'], value: '10.0.1.100/24' },
      { op: 'set', path: ['interfaces', 'ethernet', 'eth0', 'address'], value: '10.0.2.2/24' },
      {
        op: 'set',
        path: ['protocols', 'bgp', 'neighbor', '10.0.2.2', 'update-source'],
        value: '10.0.2.2',
      },
    ]);
  });
});

describe('rewritePrivateAddress for a dry run', () => {
  it(
    'accepts a placeholder only as a preview, and ' + 'shows each change as an operator reads it',
    () => {
      expect(() =>
        rewritePrivateAddress(running, { from: '10.0.1.10', to: '<new-private-ip>' }),
      ).toThrow(BadInputError);
      expect(() => rewritePrivateAddress(running, { from: 'not-an-ip', to: '10.0.1.23' })).toThrow(
        BadInputError,
      );
      const { changes } = rewritePrivateAddress(running, {
        from: '10.0.1.10',
        to: '<new-private-ip>',
        preview: true,
      });
      const shown = changes.map((c) =>
        c.after ? `~ ${showConfigLine(c.after)}` : `- ${showConfigLine(c.before)}`,
      );
      expect(shown[0]).toBe("~ set interfaces ethernet eth0 address '<new-private-ip>/24'");
      expect(shown[1]).toBe("- set interfaces ethernet eth0 hw-id '0a:1b:2c:3d:4e:5f'");
      expect(shown).toContain(
        "~ set vpn ipsec site-to-site peer us-east-1 local-address '<new-private-ip>'",
      );
      expect(shown).toHaveLength(8);
    },
  );
});

describe('rewritePrivateAddress and the far end of a tunnel', () => {
  it("never rewrites a peer's remote address, remote id or remote prefix, even if equal", () => {
    // What a standby mirror once did to a site whose remote was the hub's own private address.
    const site = parseConfigCommands(
      [
        "set vpn ipsec site-to-site peer lab local-address '10.0.1.10'",
        "set vpn ipsec site-to-site peer lab remote-address '10.0.1.10'",
        "set vpn ipsec site-to-site peer lab authentication remote-id '10.0.1.10'",
        "set vpn ipsec site-to-site peer lab tunnel 0 local prefix '10.0.1.10/32'",
        "set vpn ipsec site-to-site peer lab tunnel 0 remote prefix '10.0.1.10/32'",
      ].join('\n'),
    );
    const { lines } = rewritePrivateAddress(site, { from: '10.0.1.10', to: '10.0.1.77' });
    expect(lines.map((l) => `${l.path.slice(5).join(' ')} ${l.value ?? ''}`)).toEqual([
      'local-address 10.0.1.77',
      'remote-address 10.0.1.10',
      'authentication remote-id 10.0.1.10',
      'tunnel 0 local prefix 10.0.1.77/32',
      'tunnel 0 remote prefix 10.0.1.10/32',
    ]);
  });
});
