/**
 * How loaded each egress shaper is, judged from what the router printed: two readings of its
 * HTB counters (`tc -s class show`) and of the router's own clock (`/proc/uptime`, read in the
 * same exchange), the earlier kept from the previous `/vpn status`. The kernel keeps no rate
 * for these classes (src/vyos/parse-tc-classes.ts), so a rate is bytes sent between the two
 * readings over the seconds between them, and the drops are those in that interval.
 *
 * Nothing here reads flatnet's inventory or plans: the limit is the class's `ceil` as the
 * kernel prints it, the name is the shaper's description in the router's configuration.
 */
import type { ShaperLoad } from '../report/status-report.js';
import type { ConfigLine, ShaperClass, ShaperSample } from '../vyos/types.js';

export type { ShaperLoad };

/** Below this the clock's 10 ms steps would matter (1 %); the older reading is kept. */
export const MIN_INTERVAL_SECONDS = 1;
/** Above this an average says little about now: nothing is judged, the reading is kept. */
export const MAX_INTERVAL_SECONDS = 15 * 60;
/** Averaging this much of the limit over the interval is being at it. */
export const AT_LIMIT_SHARE = 0.9;

/**
 * The loads between two readings of one interface, or nothing when they cannot be compared:
 * the router rebooted (its clock went back), the shaper was replaced (a counter went back),
 * or the interval is out of bounds.
 */
export function compareShaperSamples(
  before: ShaperSample,
  after: ShaperSample,
  config: readonly ConfigLine[],
): ShaperLoad[] {
  const interval = after.uptimeSeconds - before.uptimeSeconds;
  if (interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS) return [];
  const root = after.classes.find((c) => c.root);
  if (!root) return [];
  const names = shaperNames(config, after.iface);
  const delta = (c: ShaperClass) => {
    const b = before.classes.find((x) => x.handle === c.handle);
    if (!b || c.bytes < b.bytes || c.packets < b.packets || c.drops < b.drops) return undefined;
    return { bytes: c.bytes - b.bytes, drops: c.drops - b.drops };
  };
  const rootDelta = delta(root);
  if (!rootDelta) return [];
  // A class held below the shaper's own limit (a peer's) is its own limit; the others (the
  // default class at 100 %) are the shaper's, and their drops are the shaper's.
  const ownLimit = after.classes.filter((c) => !c.root && c.ceilBits < root.ceilBits);
  const shared = after.classes.filter((c) => !c.root && c.ceilBits >= root.ceilBits);
  const loads: ShaperLoad[] = [];
  const push = (what: string, limitBits: number, bytes: number, drops: number) => {
    const bitsPerSecond = (bytes * 8) / interval;
    loads.push({
      iface: after.iface,
      what,
      limitBits,
      bitsPerSecond,
      drops,
      intervalSeconds: interval,
      atLimit: drops > 0 || bitsPerSecond >= AT_LIMIT_SHARE * limitBits,
    });
  };
  // HTB counts drops on leaves; the root is one when the shaper has no class of its own.
  const sharedDrops = shared.reduce((n, c) => n + (delta(c)?.drops ?? 0), rootDelta.drops);
  push(names.shaper, root.ceilBits, rootDelta.bytes, sharedDrops);
  for (const c of ownLimit) {
    const d = delta(c);
    if (d) push(names.classOf(c.handle), c.ceilBits, d.bytes, d.drops);
  }
  return loads;
}

/**
 * The words for a shaper and its classes: the description flatnet writes (`flatnet:
 * us-east-1/production at most 200mbit` → `us-east-1/production`), else an operator's own
 * description, else the policy name and class number (handle `1:a` is class 10: vyos-1x
 * `qos/trafficshaper.py` writes class N as minor id N in hex).
 */
function shaperNames(
  config: readonly ConfigLine[],
  iface: string,
): { shaper: string; classOf(handle: string): string } {
  const value = (...path: string[]) =>
    config.find((l) => l.op === 'set' && path.every((w, i) => l.path[i] === w))?.value;
  const policy = value('qos', 'interface', iface, 'egress') ?? iface;
  const at = ['qos', 'policy', 'shaper', policy];
  const words = (description: string | undefined, fallback: string) =>
    description === undefined
      ? fallback
      : (/^flatnet: (.+) at most \S+$/.exec(description)?.[1] ?? description);
  return {
    shaper: words(value(...at, 'description'), policy),
    classOf(handle) {
      const n = String(parseInt(handle.split(':')[1] ?? '', 16));
      return words(value(...at, 'class', n, 'description'), `${policy} class ${n}`);
    },
  };
}

/** `95% of 50 Mbit/s, 1.2k drops in 40 s`. */
export function describeShaperLoad(load: ShaperLoad): string {
  const share = Math.round((100 * load.bitsPerSecond) / load.limitBits);
  const drops = load.drops > 0 ? `, ${compactCount(load.drops)} drops` : '';
  return (
    `${share}% of ${formatBits(load.limitBits)}${drops} ` +
    `in the last ${Math.round(load.intervalSeconds)} s`
  );
}

export function formatBits(bits: number): string {
  const [scale, unit] =
    bits >= 1e9 ? [1e9, 'Gbit/s'] : bits >= 1e6 ? [1e6, 'Mbit/s'] : [1e3, 'kbit/s'];
  const n = bits / scale;
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
}

function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(1).replace(/\.0$/, '')}k`;
  return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
}
