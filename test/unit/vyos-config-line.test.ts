import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { assertPeerName, renderConfigLine } from '../../src/vyos/config-line.js';

const wgPeer = (name: string) => ['interfaces', 'wireguard', 'wg0', 'peer', name, 'allowed-ips'];

describe('renderConfigLine', () => {
  it('renders set and delete lines with single-quoted values', () => {
    expect(renderConfigLine({ op: 'set', path: wgPeer('alice'), value: '10.250.0.10/32' })).toBe(
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
    );
    expect(
      renderConfigLine({ op: 'delete', path: ['interfaces', 'wireguard', 'wg0', 'peer', 'alice'] }),
    ).toBe('delete interfaces wireguard wg0 peer alice');
    expect(
      renderConfigLine({
        op: 'set',
        path: ['protocols', 'bgp', 'neighbor', '169.254.10.1', 'address-family', 'ipv4-unicast'],
      }),
    ).toBe('set protocols bgp neighbor 169.254.10.1 address-family ipv4-unicast');
    expect(
      renderConfigLine({
        op: 'set',
        path: ['interfaces', 'wireguard', 'wg0', 'peer', 'a', 'public-key'],
        value: 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=',
      }),
    ).toContain("'XMrl");
    expect(
      renderConfigLine({
        op: 'set',
        path: ['system', 'login', 'banner', 'pre-login'],
        value: 'Authorised use only',
      }),
    ).toBe("set system login banner pre-login 'Authorised use only'");
  });

  const hostile = [
    'a;reboot',
    '$(reboot)',
    '`reboot`',
    "al'ice",
    'al"ice',
    'alice\nreboot',
    'alice\rreboot',
    'alice reboot',
    'аlice', // Cyrillic а
    'alice\u200b',
    'x'.repeat(10_000),
    '',
    '-rf',
    'a|b',
    'a&&b',
    'a>b',
    'a\\b',
  ];

  it.each(hostile.map((h) => [JSON.stringify(h.slice(0, 20)), h]))(
    'refuses the path word %s',
    (_label, word) => {
      expect(() =>
        renderConfigLine({ op: 'set', path: wgPeer(word), value: '10.0.0.1/32' }),
      ).toThrow(BadInputError);
    },
  );

  it.each(
    hostile
      .filter((h) => h !== 'alice reboot' && h !== '-rf')
      .map((h) => [JSON.stringify(h.slice(0, 20)), h]),
  )('refuses the value %s', (_label, value) => {
    expect(() => renderConfigLine({ op: 'set', path: wgPeer('alice'), value })).toThrow(
      BadInputError,
    );
  });

  it('refuses a bad operation and an empty or overlong path', () => {
    expect(() => renderConfigLine({ op: 'run' as 'set', path: ['reboot'] })).toThrow(BadInputError);
    expect(() => renderConfigLine({ op: 'set', path: [] })).toThrow(BadInputError);
    expect(() =>
      renderConfigLine({ op: 'set', path: Array.from({ length: 40 }, () => 'a') }),
    ).toThrow(BadInputError);
  });

  it('a refusal says what was wrong and what is allowed, without echoing 10 kB', () => {
    try {
      renderConfigLine({ op: 'set', path: wgPeer(`a;${'x'.repeat(10_000)}`) });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadInputError);
      const e = err as BadInputError;
      expect(e.message.length).toBeLessThan(200);
      expect(e.message).toContain('10002 characters');
      expect(e.hint).toMatch(/letters, digits/);
    }
  });

  it('property: any string either is refused or renders into a line with no shell metacharacters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.string({ unit: 'binary', maxLength: 60 }),
        (word, value) => {
          let rendered: string;
          try {
            rendered = renderConfigLine({
              op: 'set',
              path: ['interfaces', 'wireguard', 'wg0', 'peer', word, 'description'],
              value,
            });
          } catch (err) {
            expect(err).toBeInstanceOf(BadInputError);
            return;
          }
          const inner = rendered.slice(0, -1).replace(/ '/, ' ');
          expect(rendered.endsWith("'")).toBe(true);
          for (const bad of [';', '$(', '`', "'", '"', '\n', '\r', '\\', '|', '&'])
            expect(inner).not.toContain(bad);
          expect(/^[\x20-\x7e]+$/.test(rendered)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('assertPeerName', () => {
  it('accepts the ordinary names operators use', () => {
    for (const name of ['alice', 'alice-laptop', 'bob_2', 'A', 'x'.repeat(32)])
      expect(() => assertPeerName(name)).not.toThrow();
  });

  it.each([
    'a;reboot',
    '$(reboot)',
    'al ice',
    'аlice',
    'x'.repeat(33),
    '',
    'a.b',
    'a/b',
    "o'brien",
  ])('refuses %j with the rule', (name) => {
    expect(() => assertPeerName(name)).toThrow(/1–32 characters: letters, digits, - and _/);
    try {
      assertPeerName(name);
    } catch (err) {
      expect((err as BadInputError).forHumans).toMatch(
        /peer name .* is not allowed: .*\nchoose a name/,
      );
    }
  });
});
