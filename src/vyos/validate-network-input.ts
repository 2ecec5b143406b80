/**
 * Checks for the network values renderers accept from a person or from AWS: addresses,
 * prefixes, WireGuard keys, pre-shared keys. Each refusal says what is expected.
 */
import { isIP } from 'node:net';
import { BadInputError } from '../errors.js';
import { describeRejected } from './config-line.js';

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function assertIpAddress(value: string, what: string): void {
  if (typeof value !== 'string' || isIP(value) === 0) {
    throw new BadInputError(
      `${what} ${describeRejected(String(value))} is not an IP address`,
      'give a plain address such as 203.0.113.10',
    );
  }
}

export function assertCidr(value: string, what: string): void {
  const [addr, len, extra] = typeof value === 'string' ? value.split('/') : [];
  const version = isIP(addr ?? '');
  const max = version === 4 ? 32 : 128;
  if (
    version === 0 ||
    extra !== undefined ||
    len === undefined ||
    !/^\d{1,3}$/.test(len) ||
    Number(len) > max
  ) {
    throw new BadInputError(
      `${what} ${describeRejected(String(value))} is not a prefix`,
      'give a prefix such as 10.250.0.10/32 or 10.0.0.0/16',
    );
  }
}

export function assertWireguardKey(value: string, what: string): void {
  if (typeof value !== 'string' || !WG_KEY.test(value)) {
    throw new BadInputError(
      `${what} is not a WireGuard key (${typeof value === 'string' ? value.length : 0} characters)`,
      'a WireGuard key is 44 characters of base64 ending in =, as printed by `wg pubkey`',
    );
  }
}

/**
 * A device's WireGuard public key given by a person: well-formed, and not the all-zero key (the
 * X25519 identity point: no private key has it, and a peer with it matches nothing useful).
 * The key is never repeated in the message: someone may have pasted a private key.
 */
export function assertPeerPublicKey(value: string, what: string): void {
  assertWireguardKey(value, what);
  if (Buffer.from(value, 'base64').every((b) => b === 0))
    throw new BadInputError(
      `${what} is the all-zero key, which no device holds`,
      'give the key `wg pubkey` prints on the device, or ' +
        'leave --pubkey out and flatnet makes a key pair',
    );
}

/**
 * AWS's own rule for tunnel keys, also a safe one for VyOS and swanctl: 8–64 of [A-Za-z0-9._], not
 * starting with 0.
 */
export function assertPresharedKey(value: string, what = 'pre-shared key'): void {
  if (typeof value !== 'string' || !/^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$/.test(value)) {
    throw new BadInputError(
      `${what} does not have the required form ` +
        `(${typeof value === 'string' ? value.length : 0} characters)`,
      'use 8–64 characters of letters, digits, . and _, not starting with 0',
    );
  }
}

export function assertPort(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new BadInputError(
      `${what} ${String(value)} is not a port`,
      'give a whole number between 1 and 65535',
    );
}

/**
 * Text that lands in a client config file: no newline or control byte may start a new directive.
 */
export function assertFileSafe(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex -- refusing control bytes is the check
  if (typeof value !== 'string' || /[\x00-\x1f\x7f"{}]/.test(value)) {
    throw new BadInputError(
      `${what} ${describeRejected(String(value))} contains ` +
        'characters a configuration file cannot hold',
      'remove newlines, quotes and braces',
    );
  }
}
