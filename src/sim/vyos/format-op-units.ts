/**
 * Number formats of the op-mode outputs, each copied from the tool that prints it:
 * vyos-1x `seconds_to_human`, hurry.filesize (`show vpn ipsec sa`), wireguard-tools and FRR.
 */

/** `2d7h34m23s` (separator '') or `2w 3d 4h` (separator ' '); zero units dropped; 0 → ''. */
export function secondsToHuman(total: number, separator = ''): string {
  let s = Math.max(0, Math.floor(total));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['w', 604800],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    const n = Math.floor(s / size);
    if (n > 0) parts.push(`${n}${unit}`);
    s %= size;
  }
  if (s > 0) parts.push(`${s}s`);
  return parts.join(separator);
}

/** hurry.filesize's traditional system: 1024-based, integer, `45M`, `0B`. */
export function bytesShort(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 5, 'P'],
    [1024 ** 4, 'T'],
    [1024 ** 3, 'G'],
    [1024 ** 2, 'M'],
    [1024, 'K'],
    [1, 'B'],
  ];
  for (const [factor, suffix] of units) {
    if (bytes >= factor) return `${Math.floor(bytes / factor)}${suffix}`;
  }
  return '0B';
}

/** hurry.filesize's si system with the `B` stripped, as `show vpn ipsec sa` prints packets. */
export function countShort(count: number): string {
  const units: Array<[number, string]> = [
    [1000 ** 5, 'P'],
    [1000 ** 4, 'T'],
    [1000 ** 3, 'G'],
    [1000 ** 2, 'M'],
    [1000, 'K'],
  ];
  for (const [factor, suffix] of units) {
    if (count >= factor) return `${Math.floor(count / factor)}${suffix}`;
  }
  return `${Math.floor(count)}`;
}

/** wireguard-tools `bytes()`: `532 B`, `18.12 MiB`. */
export function wgBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units: Array<[number, string]> = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [factor, suffix] of units) {
    if (bytes >= factor) return `${(bytes / factor).toFixed(2)} ${suffix}`;
  }
  return `${bytes} B`;
}

/** wireguard-tools `pretty_time()`: `1 minute, 12 seconds`. */
export function wgPrettyTime(seconds: number): string {
  let s = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['year', 31536000],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ] as const) {
    const n = Math.floor(s / size);
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    s %= size;
  }
  if (s > 0 || parts.length === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** FRR `peer_uptime()`: `never`, `00:12:40`, `1d02h13m`, `02w3d04h`, `01y02w3d`. */
export function frrUptime(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = 86400;
  const week = 7 * day;
  const year = 365 * day;
  if (s < day)
    return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s < week)
    return (
      `${Math.floor(s / day)}d${two(Math.floor((s % day) / 3600))}` +
      `h${two(Math.floor((s % 3600) / 60))}m`
    );
  if (s < year)
    return (
      `${two(Math.floor(s / week))}w${Math.floor((s % week) / day)}` +
      `d${two(Math.floor((s % day) / 3600))}h`
    );
  return (
    `${two(Math.floor(s / year))}y${two(Math.floor((s % year) / week))}` +
    `w${Math.floor((s % week) / day)}d`
  );
}
