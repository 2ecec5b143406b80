/**
 * `tc -s class show dev <if>` (iproute2 6.1, as on VyOS 1.4 / Debian bookworm) for an HTB
 * shaper. Each class is a header line and its statistics:
 *
 *   class htb 1:a parent 1:1 leaf 8001: prio 0 rate 5Mbit ceil 5Mbit burst 15Kb cburst 1600b
 *    Sent 1384766 bytes 1315 pkt (dropped 69944, overlimits 1309 requeues 0)
 *    backlog 0b 0p requeues 0
 *
 * No `rate …bit …pps` statistics line: the kernel prints one only for a class with a rate
 * estimator, and neither VyOS (python/vyos/qos) nor HTB (`htb_rate_est` is 0 by default) sets
 * one up. A rate is therefore two readings of `Sent` some time apart (src/status/shaper-load.ts).
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import type { ShaperClass } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const UNITS: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const IEC: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** iproute2's `sprint_rate`: `50Mbit`, `1500Kbit`, `10Gbit`, `5Mibit` with `-iec`. */
export function parseTcRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)(i?)bit$/.exec(text);
  if (!m) return undefined;
  const scale = (m[3] ? IEC : UNITS)[m[2] ?? ''] ?? 1;
  return Math.round(Number(m[1]) * scale);
}

export function parseTcClasses(raw: string): ShaperClass[] {
  const text = cleanTerminalOutput(raw);
  const command = 'tc -s class show';
  const error = findCliError(text) ?? /^(Cannot find device .*|Error: .*)$/m.exec(text)?.[1];
  if (error) throw unreadableOutput(command, 'the HTB classes of the shaper', error);
  const classes: ShaperClass[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^class (\S+) (\S+) (root|parent \S+)(.*)$/.exec(lines[i]!.trim());
    if (!header) continue;
    // Only HTB (VyOS's `shaper`) has a rate and a ceiling; other kinds are not read.
    if (header[1] !== 'htb') continue;
    const rate = parseTcRate(/\brate (\S+)/.exec(header[4]!)?.[1] ?? '');
    const ceil = parseTcRate(/\bceil (\S+)/.exec(header[4]!)?.[1] ?? '');
    const sent = /^Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)/.exec(
      (lines[i + 1] ?? '').trim(),
    );
    if (rate === undefined || ceil === undefined || !sent)
      throw unreadableOutput(
        command,
        '`rate R ceil C` on each class and a `Sent … (dropped …, overlimits …` line under it',
        `${lines[i]}\n${lines[i + 1] ?? ''}`,
      );
    classes.push({
      handle: header[2]!,
      root: header[3] === 'root',
      rateBits: rate,
      ceilBits: ceil,
      bytes: Number(sent[1]),
      packets: Number(sent[2]),
      drops: Number(sent[3]),
      overlimits: Number(sent[4]),
    });
  }
  return classes;
}

/** `cat /proc/uptime`: `350735.47 234388.90`, seconds since boot and idle seconds. */
export function parseProcUptime(raw: string): number {
  const text = cleanTerminalOutput(raw);
  const m = /(?:^|\n)\s*(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*(?:\n|$)/.exec(text);
  if (!m)
    throw unreadableOutput(
      'cat /proc/uptime',
      'seconds since boot and idle seconds',
      findCliError(text) ?? text,
    );
  return Number(m[1]);
}
