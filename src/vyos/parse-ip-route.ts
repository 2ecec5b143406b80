/**
 * `show ip route` (FRR 7.5–9.x under VyOS 1.3–1.5): the codes header, then one line per route
 * — type char, `>` when selected, `*` when in the FIB, prefix, `[distance/metric]` (absent
 * for connected), the next hop (`via A, IFACE`, `is directly connected, IFACE`,
 * `unreachable (blackhole)`), optional `, weight N`, the age. ECMP adds continuation lines
 * (`  *   via B, IFACE2, …`) under the route they belong to. Only what the kernel forwards by
 * is kept: the selected routes that are in the FIB (`>*`), each with its first FIB nexthop.
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import type { IpRoute } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const COMMAND = 'show ip route';
const ROUTE =
  /^([A-Za-z])(?:\[\d+\])?([> ])([*qrbto ])\s?(\d+\.\d+\.\d+\.\d+\/\d+)(?: \[(\d+)\/(\d+)\])?\s+(.*)$/;
const PROTOCOLS: Record<string, IpRoute['protocol']> = {
  K: 'kernel',
  C: 'connected',
  S: 'static',
  B: 'bgp',
  O: 'ospf',
};

function readHop(text: string): Pick<IpRoute, 'nextHop' | 'iface' | 'blackhole'> | undefined {
  if (/^unreachable \(blackhole\)|^blackhole/.test(text)) return { blackhole: true };
  const direct = /^is directly connected, ([^,\s]+)/.exec(text);
  if (direct) return { iface: direct[1] };
  const via = /^via (\d+\.\d+\.\d+\.\d+)(?:, ([^,\s]+))?/.exec(text);
  if (via)
    return { nextHop: via[1], ...(via[2] && !/inactive/.test(via[2]) ? { iface: via[2] } : {}) };
  return undefined;
}

export function parseIpRoute(output: string): IpRoute[] {
  const text = cleanTerminalOutput(output);
  const error = findCliError(text);
  if (error) throw unreadableOutput(COMMAND, 'a routing table', text);
  const routes: IpRoute[] = [];
  let sawHeader = false;
  for (const line of text.split('\n')) {
    if (/^Codes:/.test(line)) sawHeader = true;
    const m = ROUTE.exec(line);
    if (!m) continue;
    const [, code = '', selected, fib, prefix = '', distance, metric, rest = ''] = m;
    if (selected !== '>' || fib !== '*') continue;
    const hop = readHop(rest);
    if (!hop) continue;
    routes.push({
      prefix,
      protocol: PROTOCOLS[code] ?? 'other',
      distance: distance === undefined ? 0 : Number(distance),
      metric: metric === undefined ? 0 : Number(metric),
      ...hop,
    });
  }
  if (!sawHeader && routes.length === 0 && text.trim() !== '')
    throw unreadableOutput(COMMAND, 'the routing table with its `Codes:` header', text);
  return routes;
}
