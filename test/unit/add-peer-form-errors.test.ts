import { describe, expect, it } from 'vitest';
import { FIELDS, formErrorsOf } from '../../commands/add-peer-modal.js';

describe('a refusal of the add-peer form, under its field', () => {
  it('is placed by its problem, not by a usage hint that names --pubkey', () => {
    const errors = formErrorsOf(
      [
        {
          message: 'names are 1–32 letters, digits, - or _',
          hint: 'usage: /vpn add-peer <name> [--pubkey KEY] [--router R] [--dry-run]',
        },
      ],
      'wireguard',
    );
    expect(errors).toEqual({ [FIELDS.name]: 'names are 1–32 letters, digits, - or _' });
  });

  it("speaks the form's words, not the command's options, and keeps a useful fix", () => {
    const errors = formErrorsOf(
      [
        {
          message: '--pubkey is not a WireGuard public key (base64 of exactly 32 bytes)',
          hint: 'copy it from `wg pubkey < private.key` or leave --pubkey out',
        },
      ],
      'wireguard',
    );
    expect(errors[FIELDS.pubkey]).toBe(
      'the WireGuard public key is not a WireGuard public key (base64 of exactly 32 bytes): ' +
        'copy it from `wg pubkey < private.key` or leave the WireGuard public key out',
    );
    expect(Object.keys(errors)).toEqual([FIELDS.pubkey]);
  });

  it('is never cut, however long', () => {
    const message = `--subnets 192.168.0.0/16 overlaps ${'10.0.0.0/16, '.repeat(20)}and more`;
    const errors = formErrorsOf([{ message }], 'ipsec');
    expect(errors[FIELDS.subnets]).toBe(message.replace('--subnets', 'the subnets'));
    expect(errors[FIELDS.subnets]!.length).toBeGreaterThan(150);
  });

  it("shows every problem at once, each under its field, in the form's words", () => {
    const errors = formErrorsOf(
      [
        { message: '"bob;x" is not a valid peer name: names are 1–32 letters, digits, - or _' },
        {
          message: '--remote: 127.0.0.1 is loopback (127.0.0.0/8), which is never a site',
          hint: "give the site's public IPv4 address",
        },
        { message: '--subnets: 10.0.5.0/24 overlaps 10.0.0.0/16 (VPC hub)' },
        {
          message: '--subnets: 10.9.0.0/24 and 10.9.0.0/25 overlap',
          hint: 'list each network once',
        },
      ],
      'ipsec',
    );
    expect(errors).toEqual({
      [FIELDS.name]: '"bob;x" is not a valid peer name: names are 1–32 letters, digits, - or _',
      [FIELDS.remote]:
        'the remote public address: 127.0.0.1 is loopback (127.0.0.0/8), which is never a site: ' +
        "give the site's public IPv4 address",
      [FIELDS.subnets]:
        'the subnets: 10.0.5.0/24 overlaps 10.0.0.0/16 (VPC hub); ' +
        'the subnets: 10.9.0.0/24 and 10.9.0.0/25 overlap: list each network once',
    });
  });
});
