/**
 * The value validators VyOS runs on `set` (its `<constraint>` elements). Each returns the
 * validator's complaint, or undefined when the value is fine. Only the cheap ones a driver
 * can trip over are modelled.
 */
export type ValueValidator = (value: string) => string | undefined;

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIpv6(value: string): boolean {
  return /^[0-9a-fA-F:]+$/.test(value) && value.includes(':') && value.split('::').length <= 2;
}

function isPrefix(value: string, maxLen: number, isAddr: (v: string) => boolean): boolean {
  const [addr, len, extra] = value.split('/');
  if (extra !== undefined || addr === undefined || len === undefined || !/^\d{1,3}$/.test(len))
    return false;
  return isAddr(addr) && Number(len) <= maxLen;
}

export const ipv4Address: ValueValidator = (v) =>
  isIpv4(v) ? undefined : `Invalid IPv4 address "${v}"`;

export const ipAddress: ValueValidator = (v) =>
  isIpv4(v) || isIpv6(v) ? undefined : `Invalid IP address "${v}"`;

export const ipPrefix: ValueValidator = (v) =>
  isPrefix(v, 32, isIpv4) || isPrefix(v, 128, isIpv6) ? undefined : `Invalid IP prefix "${v}"`;

/** An IPv4 network (VyOS `ipv4-prefix` validator), as a prefix-list rule's prefix takes. */
export const ipv4Prefix: ValueValidator = (v) =>
  isPrefix(v, 32, isIpv4) ? undefined : `Invalid IPv4 prefix "${v}"`;

/** Interface addresses: host/prefix, or `dhcp`/`dhcpv6`. */
export const interfaceAddress: ValueValidator = (v) =>
  v === 'dhcp' || v === 'dhcpv6' || isPrefix(v, 32, isIpv4) || isPrefix(v, 128, isIpv6)
    ? undefined
    : `Error: ${v} is not a valid IPv4 or IPv6 prefix`;

export function numberRange(min: number, max: number, what = 'Value'): ValueValidator {
  return (v) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max
      ? undefined
      : `${what} must be between ${min}-${max}`;
}

export const port = numberRange(1, 65535, 'Port number');

export const asNumber = numberRange(1, 4294967294, 'AS number');

/** WireGuard keys: base64 of exactly 32 bytes (VyOS: `base64 --decoded-len 32`). */
export const wireguardKey: ValueValidator = (v) => {
  const ok = /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32;
  return ok ? undefined : 'Key must be Base64-encoded, 32 bytes in length';
};

export function oneOf(...allowed: string[]): ValueValidator {
  return (v) =>
    allowed.includes(v) ? undefined : `Invalid value "${v}": must be one of ${allowed.join(', ')}`;
}

export function matches(pattern: RegExp, message: string): ValueValidator {
  return (v) => (pattern.test(v) ? undefined : message);
}

export const hostName = matches(
  /^[A-Za-z0-9][-.A-Za-z0-9]{0,62}$/,
  'Host-name must be alphanumeric and can contain hyphens',
);

/** Tag names of VyOS "not a space" kind: what VyOS itself checks on peer names. */
export const noSpaces = matches(/^[^ ]{1,100}$/, 'Name must not contain spaces');
