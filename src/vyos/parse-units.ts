/**
 * Number formats VyOS, strongSwan, wireguard-tools and FRR print. Each returns undefined for
 * text it does not recognise, so a parser can decide between "absent" and "garbled".
 */

const BINARY: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
};
const DECIMAL: Record<string, number> = {
  '': 1,
  K: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
  P: 1000 ** 5,
};

/** strongSwan/VyOS `45M`, `230.6K`, `0B`: 1024-based. */
export function parseIpsecBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([BKMGTP]?)B?$/i.exec(text.trim());
  if (!m) return undefined;
  const factor = BINARY[(m[2] ?? '').toUpperCase()] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

/** VyOS packet counts `61K`, `2M`, `0`: 1000-based, no B. */
export function parseIpsecPackets(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)$/i.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (DECIMAL[(m[2] ?? '').toUpperCase()] ?? 1));
}

const DURATION_UNITS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
};

/**
 * `2d7h34m23s`, `1d02h13m`, `3w1d04h`, `2w 3d 4h 12m 5s`: units y/w/d/h/m/s, zero units dropped.
 */
export function parseCompactDuration(text: string): number | undefined {
  const t = text.trim().replace(/\s+/g, '');
  if (!/^(\d+[ywdhms])+$/i.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)([ywdhms])/gi))
    total += Number(m[1]) * (DURATION_UNITS[(m[2] ?? 's').toLowerCase()] ?? 0);
  return total;
}

/** `01:02:03` or `0:01:12`, optionally led by `N day(s), ` (Python's timedelta). */
export function parseClockDuration(text: string): number | undefined {
  const m = /^(?:(\d+)\s+days?,\s*)?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const WORD_UNITS: Record<string, number> = {
  year: 365 * 86400,
  week: 7 * 86400,
  day: 86400,
  hour: 3600,
  minute: 60,
  second: 1,
};

/** wireguard-tools `1 minute, 12 seconds ago`; `Now` is zero. */
export function parseWordDuration(text: string): number | undefined {
  const t = text.trim().replace(/\s+ago$/i, '');
  if (/^now$/i.test(t)) return 0;
  const parts = t.split(/\s*,\s*/);
  let total = 0;
  for (const part of parts) {
    const m = /^(\d+)\s+(year|week|day|hour|minute|second)s?$/i.exec(part);
    if (!m) return undefined;
    total += Number(m[1]) * (WORD_UNITS[(m[2] ?? 'second').toLowerCase()] ?? 0);
  }
  return total;
}

/** wireguard-tools `18.12 MiB` (1024-based) and VyOS 1.5 `18 MB` / `2 kB` (1000-based). */
export function parseTransferSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kKMGTP]?)(i?)B$/.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase();
  const factor = m[3] === 'i' ? BINARY[unit] : DECIMAL[unit];
  return Math.round(Number(m[1]) * (factor ?? 1));
}
