import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { cleanTerminalOutput } from '../../src/vyos/clean-terminal-output.js';
import { assertIssuedCommand, RouterCommand } from '../../src/vyos/router-command.js';

describe('RouterCommand', () => {
  it('builds only the fixed op commands and checked parameters', () => {
    expect(RouterCommand.op('ipsecSa').text).toBe('show vpn ipsec sa');
    expect(RouterCommand.wireguardSummary('wg0').text).toBe(
      'show interfaces wireguard wg0 summary',
    );
    expect(RouterCommand.commitConfirm(5).text).toBe('commit-confirm 5');
    const tc = RouterCommand.shaperClasses('eth1.20');
    expect(tc.text).toBe('/sbin/tc -s class show dev eth1.20');
    expect(() => assertIssuedCommand(tc)).not.toThrow();
    expect(() => RouterCommand.shaperClasses('eth0; reboot')).toThrow(BadInputError);
    expect(() => RouterCommand.shaperClasses('lo')).toThrow(/"lo" is not allowed for `tc`/);
    expect(() => RouterCommand.wireguardSummary('wg0; reboot')).toThrow(BadInputError);
    expect(() => RouterCommand.commitConfirm(0)).toThrow(BadInputError);
    expect(() => RouterCommand.commitConfirm(1.5)).toThrow(BadInputError);
    expect(() =>
      RouterCommand.configLine({ op: 'set', path: ['system', 'host-name'], value: 'a\nreboot' }),
    ).toThrow(BadInputError);
    expect(
      RouterCommand.configLine({ op: 'set', path: ['system', 'host-name'], value: "a'$(x)" }).text,
    ).toBe("set system host-name 'a'\\''$(x)'");
  });

  it('the session-side check takes a quoted value with its quotes typed the bash way only', () => {
    const line = RouterCommand.configLine({
      op: 'set',
      path: ['interfaces', 'ethernet', 'eth1', 'description'],
      value: "Bob's (EIP) & NAT!",
    });
    expect(() => assertIssuedCommand(line)).not.toThrow();
    for (const text of [
      "set interfaces ethernet eth1 description 'Bob's'",
      "set interfaces ethernet eth1 description 'a' ; reboot",
      "set interfaces ethernet eth1 description 'a?'",
      'set interfaces ethernet eth1 description a&b',
    ]) {
      Object.defineProperty(line, 'text', { value: text });
      expect(() => assertIssuedCommand(line)).toThrow(/not on the allowed list/);
    }
  });

  it('the session-side check refuses look-alike objects and tampered text', () => {
    expect(() => assertIssuedCommand({ text: 'reboot now', mode: 'op' })).toThrow(/raw command/);
    const forged = Object.create(RouterCommand.prototype) as RouterCommand;
    expect(() => assertIssuedCommand(forged)).toThrow(BadInputError);
    const real = RouterCommand.op('uptime');
    expect(() => assertIssuedCommand(real)).not.toThrow();
    Object.defineProperty(real, 'text', { value: 'reboot now' });
    expect(() => assertIssuedCommand(real)).toThrow(/not on the allowed list/);
  });
});

describe('cleanTerminalOutput', () => {
  it('strips colour, erase-line, keypad, title sequences and CRLF', () => {
    const raw =
      '\x1b]0;vyos@hub: ~\x07\x1b[?1h\x1b=\x1b[1;32mup\x1b[0m\x1b[K\r\r\nline2\r\n\x1b[?1l\x1b>';
    expect(cleanTerminalOutput(raw)).toBe('up\nline2\n');
  });

  it('drops stray CRs and control bytes with or without escape codes', () => {
    expect(cleanTerminalOutput('a\rb\x07c\r\r\nd\x00\te\x7f\n')).toBe('abc\nd\te\n');
    expect(cleanTerminalOutput('\x1b[1ma\rb\x07c\r\r\nd\x00\te\x7f\n')).toBe('abc\nd\te\n');
  });
});
