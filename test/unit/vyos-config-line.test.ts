import { execFileSync } from 'node:child_process';
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

  const unsafeValues = [
    'alice\nreboot',
    'alice\rreboot',
    'tab\there',
    'аlice',
    'alice\u200b',
    'x'.repeat(10_000),
    '',
    'why?',
  ];
  it.each(unsafeValues.map((h) => [JSON.stringify(h.slice(0, 20)), h]))(
    'refuses the value %s (it cannot be typed into vbash as it is)',
    (_label, value) => {
      expect(() => renderConfigLine({ op: 'set', path: wgPeer('alice'), value })).toThrow(
        BadInputError,
      );
    },
  );

  /** What bash hands `set` as its last argument when it reads the rendered line. */
  const bashReads = (rendered: string): string =>
    execFileSync('bash', ['--norc', '--noprofile', '-c', `printf %s ${rendered}`], {
      encoding: 'utf8',
    });

  const shellish = [
    'a;reboot',
    '$(reboot)',
    '`reboot`',
    "al'ice",
    "''",
    'al"ice',
    'a|b',
    'a&&b',
    'a>b',
    'a\\b',
    'outside (EIP) & NAT!',
    "Bob's office",
    '  two  spaces ',
  ];
  it.each(shellish.map((h) => [JSON.stringify(h), h]))(
    'quotes the value %s as VyOS does and bash reads it back byte for byte',
    (_label, value) => {
      const rendered = renderConfigLine({ op: 'set', path: ['system', 'host-name'], value });
      expect(rendered.startsWith("set system host-name '")).toBe(true);
      const quoted = rendered.slice('set system host-name '.length);
      if (!value.includes("'")) expect(quoted).toBe(`'${value}'`);
      expect(bashReads(quoted)).toBe(value);
    },
  );

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

  it(
    'property: any string either is refused or ' + 'renders into a line bash reads back exactly',
    () => {
      const words: string[] = [];
      const values: string[] = [];
      const lines: string[] = [];
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('alice', 'b.o-b')),
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            // Mostly what a shell would take a meaning from, so that many values are accepted.
            fc.string({ unit: fc.constantFrom(...`a '"$\`;&|()<>!\\*~#{}-?\n`), maxLength: 40 }),
          ),
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
            expect(/^[\x20-\x7e]+$/.test(rendered)).toBe(true);
            words.push(word);
            values.push(value);
            lines.push(rendered);
          },
        ),
        { numRuns: 2000 },
      );
      expect(lines.length).toBeGreaterThan(200);
      // One bash for every accepted line: it prints the words it was given, one per line.
      const script = lines.map((l) => `printf '%s\\n' ${l.replace(/^set /, '')}`).join('\n');
      const read = execFileSync('bash', ['--norc', '--noprofile', '-s'], {
        input: script,
        encoding: 'utf8',
      }).split('\n');
      let at = 0;
      lines.forEach((_l, i) => {
        const expected = [
          'interfaces',
          'wireguard',
          'wg0',
          'peer',
          words[i],
          'description',
          values[i],
        ];
        expect(read.slice(at, at + expected.length)).toEqual(expected);
        at += expected.length;
      });
    },
  );
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
