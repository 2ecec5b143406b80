import { SECRET_FIELDS } from '../log.js';

const secretNames = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
// A PEM block or a WireGuard-style config line is a secret whatever field carries it.
const secretText = /-----BEGIN [A-Z ]*PRIVATE KEY-----|^\s*PrivateKey\s*=|^\s*PresharedKey\s*=/im;

/**
 * The path of the first field that looks like a secret (`steps[2].result.privateKey`), or
 * undefined. A cheap safety net for run records, which are stored for months and shown to
 * whoever runs `/router history`: step results must never carry keys, so this refuses the
 * obvious mistakes rather than trying to be a full scanner.
 */
export function findSecretField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return secretText.test(value) ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSecretField(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (
        secretNames.has(key.toLowerCase()) &&
        inner !== undefined &&
        inner !== null &&
        inner !== ''
      )
        return here;
      const found = findSecretField(inner, here);
      if (found) return found;
    }
  }
  return undefined;
}
