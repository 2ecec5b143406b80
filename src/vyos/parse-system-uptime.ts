/**
 * `show system uptime`: 1.4/1.5 print `Uptime: 2w 3d 4h 12m 5s` and load averages as a
 * percent of all cores. 1.3 printed the `uptime` line (`up 3 days, 4:12, load average: …`).
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import { parseClockDuration, parseCompactDuration } from './parse-units.js';
import type { SystemUptime } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

function parsePercent(text: string, label: RegExp): number | undefined {
  const m = new RegExp(`(?:^|\\n)\\s*${label.source}\\s*:\\s*(\\d+(?:\\.\\d+)?)\\s*%`, 'i').exec(
    text,
  );
  return m ? Number(m[1]) : undefined;
}

function parseClassicUptime(text: string): number | undefined {
  // ` 10:01:02 up 3 days,  4:12,  1 user,  load average: …` or `up 12 min,`
  const m = /\bup\s+(?:(\d+)\s+days?,\s*)?(?:(\d+):(\d{2})|(\d+)\s+min)/i.exec(text);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? m[4] ?? 0) * 60;
}

export function parseSystemUptime(raw: string): SystemUptime {
  const text = cleanTerminalOutput(raw);
  const m = /Uptime:\s*([^\n]+)/i.exec(text);
  const uptimeSeconds = m
    ? (parseCompactDuration(m[1] ?? '') ?? parseClockDuration(m[1] ?? ''))
    : parseClassicUptime(text);
  if (uptimeSeconds === undefined) {
    throw unreadableOutput(
      'show system uptime',
      'an "Uptime: 2w 3d 4h 12m 5s" line',
      findCliError(text) ?? text,
    );
  }
  const load1 = parsePercent(text, /1\s+minutes?/);
  const load5 = parsePercent(text, /5\s+minutes?/);
  const load15 = parsePercent(text, /15\s+minutes?/);
  const result: SystemUptime = { uptimeSeconds };
  if (load1 !== undefined && load5 !== undefined && load15 !== undefined)
    result.loadPercent = { load1, load5, load15 };
  return result;
}
