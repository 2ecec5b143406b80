import { describe, expect, it } from 'vitest';
import { FIELDS, formErrorOf } from '../../commands/add-peer-modal.js';

describe('a refusal of the add-peer form, under its field', () => {
  it('is placed by its problem, not by a usage hint that names --pubkey', () => {
    const errors = formErrorOf(
      {
        message: 'names are 1–32 letters, digits, - or _',
        hint: 'usage: /vpn add-peer <name> [--pubkey KEY] [--router R] [--dry-run]',
      },
      'wireguard',
    );
    expect(errors).toEqual({ [FIELDS.name]: 'names are 1–32 letters, digits, - or _' });
  });

  it("speaks the form's words, not the command's options, and keeps a useful fix", () => {
    const errors = formErrorOf(
      {
        message: '--pubkey is not a WireGuard public key (base64 of exactly 32 bytes)',
        hint: 'copy it from `wg pubkey < private.key` or leave --pubkey out',
      },
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
    const errors = formErrorOf({ message }, 'ipsec');
    expect(errors[FIELDS.subnets]).toBe(message.replace('--subnets', 'the subnets'));
    expect(errors[FIELDS.subnets]!.length).toBeGreaterThan(150);
  });
});
