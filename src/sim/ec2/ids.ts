import { randomBytes, randomInt } from 'node:crypto';

/** An EC2 resource id in today's long format: prefix, dash, 17 lower-case hex digits. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export function newRequestId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const PSK_FIRST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz123456789._';
const PSK_REST = `${PSK_FIRST}0`;

/** A pre-shared key as AWS generates them: 32 chars of [A-Za-z0-9._], never starting with 0. */
export function newPreSharedKey(): string {
  let key = PSK_FIRST.charAt(randomInt(PSK_FIRST.length));
  while (key.length < 32) key += PSK_REST.charAt(randomInt(PSK_REST.length));
  return key;
}

/** AWS's own rule for customer-supplied keys (CreateVpnConnection rejects anything else). */
export function isValidPreSharedKey(key: string): boolean {
  return /^[A-Za-z0-9._]{8,64}$/.test(key) && !key.startsWith('0');
}
