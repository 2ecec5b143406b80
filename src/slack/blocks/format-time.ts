/** "14:05 UTC": operators across regions read one clock, so the bot speaks UTC. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2025-03-14 14:05 UTC" for times that may be on another day. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${formatClock(ms)}`;
}

/** "850 ms", "4.2 s", "3 min 12 s", "1 h 05 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${pad(totalS % 60)} s`;
  return `${Math.floor(totalS / 3600)} h ${pad(Math.floor((totalS % 3600) / 60))} min`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
