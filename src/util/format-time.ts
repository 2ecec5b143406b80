/**
 * Times and durations as flatnet writes them, in one place. Operators in several regions share
 * one thread, so clock times are always UTC.
 */

/** "14:05 UTC". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2025-03-14 14:05 UTC" for times that may be on another day. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${day} ${formatClock(ms)}`;
}

/**
 * How a duration is written:
 * - `precise` (how long a step or run took): "850 ms", "4.2 s", "3 min 12 s", "1 h 05 min";
 * - `whole` (a policy's window, e.g. an approval's): "45 s", "30 min", "2 h";
 * - `compact` (uptimes and handshakes, as VyOS prints them): "2d7h", "3h15m", "42s".
 */
export type DurationStyle = 'precise' | 'whole' | 'compact';

export function formatDuration(ms: number, style: DurationStyle = 'precise'): string {
  if (style === 'compact') return compact(ms / 1000);
  if (style === 'whole') return whole(ms);
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${pad(totalS % 60)} s`;
  return `${Math.floor(totalS / 3600)} h ${pad(Math.floor((totalS % 3600) / 60))} min`;
}

function whole(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  if (minutes >= 1) return `${minutes} min`;
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** The two largest units, as VyOS and WireGuard output reads. */
function compact(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const parts: string[] = [];
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join('') : '0s';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
