/** `cat /proc/loadavg`: `0.52 0.58 0.59 1/389 12345`. The raw 5-minute figure drives scale-up. */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import type { LoadAverage } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

export function parseLoadavg(raw: string): LoadAverage {
  const text = cleanTerminalOutput(raw);
  const m = /(?:^|\n)\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+\d+\/\d+/.exec(text);
  if (!m)
    throw unreadableOutput(
      'cat /proc/loadavg',
      'three load figures and running/total tasks',
      findCliError(text) ?? text,
    );
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]) };
}
