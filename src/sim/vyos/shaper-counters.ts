/**
 * The kernel's HTB counters behind an emulated router's egress shapers: what `tc -s class
 * show dev <if>` prints. The world offers traffic to an interface (bit/s toward destination
 * addresses); the shaper carries at most its limit and drops the rest, and the counters grow
 * with time as a real qdisc's do. Nothing is kinder than the kernel: no rate is printed (no
 * estimator), only cumulative counters, which restart when the shaper is replaced.
 *
 * The classes are those vyos-1x `python/vyos/qos/trafficshaper.py` (sagitta) creates for
 * `qos policy shaper`: root class `1:1` at `bandwidth`, class N as `1:<N in hex>` at its
 * `bandwidth` (`auto` = the shaper's, `N%` of it) up to its `ceiling` (else its rate), the
 * default class as `1:<max N + 1>`; a packet goes to the first class whose `match … ip
 * destination address` holds it, else to the default class.
 *
 * How the traffic is shared is tc-htb(8): each class gets up to its rate, then borrows what its
 * parent has spare up to its ceiling, in proportion to its rate (the quantum is rate / r2q);
 * what is offered beyond that is dropped (a queue that stays full drops every packet that
 * does not fit). Steady rates only: no burst, no queue build-up, packets of 1500 bytes.
 * Measured on Linux 6.x (test/fixtures/vyos/tc-s-class-htb.txt): a class held at its ceiling
 * counts about one overlimit per packet it sends, and its drops, not its parent's.
 */
import type { ConfigTree } from './config-tree.js';

/** Bits per second toward one destination address, offered to an interface. */
export interface OfferedFlow {
  dst: string;
  bits: number;
}

export interface HtbClassCounters {
  handle: string;
  parent?: string;
  /** The leaf qdisc VyOS attaches under a class (`leaf 8001:`); none on the root class. */
  leaf?: string;
  rateBits: number;
  ceilBits: number;
  burstBytes: number;
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  lended: number;
  borrowed: number;
}

export const PACKET_BYTES = 1500;
/** vyos-1x `include/qos/burst.xml.i` default `15k`; the root class gets the kernel's 1600b. */
const CLASS_BURST_BYTES = 15 * 1024;
const ROOT_BURST_BYTES = 1600;
/** vyos-1x qos/base.py: a link with no speed (a VTI, WireGuard) is taken as 10 Mbit/s. */
const AUTO_BITS = 10_000_000;

interface ClassSpec {
  handle: string;
  rateBits: number;
  ceilBits: number;
  /** The root class that is also the only leaf (a shaper with no class of its own). */
  leaf?: boolean;
  destinations: { base: number; len: number }[];
}

interface Running {
  signature: string;
  sinceMs: number;
  specs: ClassSpec[];
  rootBits: number;
  counters: Map<string, HtbClassCounters>;
  /** Per class: bit/s sent within its rate, borrowed, dropped, and whether it is held. */
  rates: Map<string, { own: number; borrowed: number; dropped: number }>;
}

/** vyos-1x `QoSBase._rate_convert`: `10mbit`, `500kbit`, `1gbit`, `2mbps`, `N%` of `of`. */
export function vyosRateBits(text: string | undefined, of: number): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto') return of;
  const pct = /^(\d+)%$/.exec(text);
  if (pct) return Math.floor((of * Number(pct[1])) / 100);
  const m = /^(\d+)(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps)?$/.exec(text);
  if (!m) return undefined;
  const unit = m[2] ?? 'bit';
  const scale = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[unit[0]!] ?? 1;
  return Number(m[1]) * scale * (unit.endsWith('bps') ? 8 : 1);
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function prefixOf(text: string): { base: number; len: number } | undefined {
  const [addr, len = '32'] = text.split('/');
  const base = ipv4(addr ?? '');
  return base === undefined ? undefined : { base, len: Number(len) };
}

function holds(p: { base: number; len: number }, ip: number): boolean {
  const size = 2 ** (32 - p.len);
  return Math.floor(ip / size) === Math.floor(p.base / size);
}

/** The classes the shaper on `iface` has in the kernel, or none (no shaper there). */
function classSpecs(cfg: ConfigTree, iface: string): { rootBits: number; specs: ClassSpec[] } {
  const policy = cfg.value(`qos interface ${iface} egress`);
  const at = `qos policy shaper ${policy}`;
  if (policy === undefined || !cfg.has(at)) return { rootBits: 0, specs: [] };
  const root = vyosRateBits(cfg.value(`${at} bandwidth`) ?? 'auto', AUTO_BITS) ?? AUTO_BITS;
  const specs: ClassSpec[] = [{ handle: '1:1', rateBits: root, ceilBits: root, destinations: [] }];
  const numbers = cfg.names(`${at} class`).map(Number);
  const spec = (path: string, handle: number, destinations: ClassSpec['destinations']) => {
    const rate = vyosRateBits(cfg.value(`${path} bandwidth`) ?? 'auto', root) ?? root;
    const ceil = vyosRateBits(cfg.value(`${path} ceiling`), root) ?? rate;
    specs.push({
      handle: `1:${handle.toString(16)}`,
      rateBits: rate,
      ceilBits: ceil,
      destinations,
    });
  };
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const path = `${at} class ${n}`;
    const destinations = cfg
      .names(`${path} match`)
      .flatMap((m) => cfg.values(`${path} match ${m} ip destination address`))
      .flatMap((p) => prefixOf(p) ?? []);
    spec(path, n, destinations);
  }
  if (cfg.has(`${at} default`)) spec(`${at} default`, Math.max(0, ...numbers) + 1, []);
  // With no class, trafficshaper.py gives the default class minor id 1: its `tc class replace
  // … classid 1:1` changes the root class itself, which becomes the one leaf (checked on
  // Linux 6.x: `class htb 1:1 root leaf 8005: prio 0 rate …`).
  const merged = specs.findLastIndex((c, i) => i > 0 && c.handle === '1:1');
  if (merged > 0) {
    const { rateBits, ceilBits } = specs[merged]!;
    specs.splice(merged, 1);
    specs[0] = { ...specs[0]!, rateBits, ceilBits, leaf: true };
  }
  return { rootBits: specs[0]!.ceilBits, specs };
}

/** tc-htb(8) in steady state: rate first, then the parent's spare by rate, up to ceil. */
function share(
  specs: ClassSpec[],
  rootBits: number,
  offered: Map<string, number>,
): Running['rates'] {
  const leaves = specs[0]?.leaf ? specs.slice(0, 1) : specs.slice(1);
  const want = (c: ClassSpec) => offered.get(c.handle) ?? 0;
  let own = leaves.map((c) => Math.min(want(c), c.rateBits));
  const guaranteed = own.reduce((a, b) => a + b, 0);
  if (guaranteed > rootBits) own = own.map((g) => (g * rootBits) / guaranteed);
  const borrowed = leaves.map(() => 0);
  let spare = Math.max(0, rootBits - own.reduce((a, b) => a + b, 0));
  for (let round = 0; round < leaves.length && spare > 1e-6; round++) {
    const hungry = leaves
      .map((c, i) => ({ i, room: Math.min(want(c), c.ceilBits) - own[i]! - borrowed[i]! }))
      .filter((h) => h.room > 1e-6);
    if (hungry.length === 0) break;
    const weight = hungry.reduce((n, h) => n + leaves[h.i]!.rateBits, 0);
    let given = 0;
    for (const h of hungry) {
      const part = Math.min(h.room, (spare * leaves[h.i]!.rateBits) / weight);
      borrowed[h.i]! += part;
      given += part;
    }
    spare -= given;
  }
  const rates: Running['rates'] = new Map();
  leaves.forEach((c, i) => {
    const sent = own[i]! + borrowed[i]!;
    rates.set(c.handle, { own: own[i]!, borrowed: borrowed[i]!, dropped: want(c) - sent });
  });
  if (!specs[0]?.leaf) {
    const total = [...rates.values()].reduce((n, r) => n + r.own + r.borrowed, 0);
    rates.set('1:1', { own: total, borrowed: 0, dropped: 0 });
  }
  return rates;
}

export class ShaperCounters {
  private readonly running = new Map<string, Running>();
  private readonly offered = new Map<string, OfferedFlow[]>();

  constructor(
    private readonly router: { readonly active: ConfigTree; readonly bootedAt: number },
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** What the world sends out of `iface` from now on (replacing what it sent before). */
  offer(iface: string, flows: OfferedFlow[]): void {
    this.current(iface);
    this.offered.set(iface, flows);
    const run = this.running.get(iface);
    if (run) run.rates = this.rates(iface, run);
  }

  /** Every interface the world offers traffic to. */
  offeredInterfaces(): string[] {
    return [...this.offered.keys()];
  }

  /** The classes of `iface`'s shaper with their counters now, root first. */
  classes(iface: string): HtbClassCounters[] {
    const run = this.current(iface);
    return run ? [...run.counters.values()].map((c) => ({ ...c })) : [];
  }

  private rates(iface: string, run: Running): Running['rates'] {
    const byClass = new Map<string, number>();
    const leaves = run.specs.slice(1);
    const fallback = leaves.at(-1) ?? (run.specs[0]?.leaf ? run.specs[0] : undefined);
    for (const flow of this.offered.get(iface) ?? []) {
      const ip = ipv4(flow.dst);
      const cls =
        (ip === undefined
          ? undefined
          : leaves.find((c) => c.destinations.some((d) => holds(d, ip)))) ?? fallback;
      if (cls) byClass.set(cls.handle, (byClass.get(cls.handle) ?? 0) + flow.bits);
    }
    return share(run.specs, run.rootBits, byClass);
  }

  /**
   * The counters brought up to now. A shaper whose configuration changed, or a router that
   * booted, has a new qdisc: vyos-1x `qos.py` deletes the root qdisc and builds it again on a
   * commit that touches `qos`, and a boot starts from nothing.
   */
  private current(iface: string): Running | undefined {
    const cfg = this.router.active;
    const { rootBits, specs } = classSpecs(cfg, iface);
    const now = this.now();
    const signature = `${this.router.bootedAt} ${JSON.stringify(specs)}`;
    let run = this.running.get(iface);
    if (specs.length === 0) {
      this.running.delete(iface);
      return undefined;
    }
    if (!run || run.signature !== signature) {
      const counters = new Map<string, HtbClassCounters>();
      specs.forEach((s, i) =>
        counters.set(s.handle, {
          handle: s.handle,
          ...(i === 0 ? {} : { parent: '1:1' }),
          ...(i > 0 || s.leaf ? { leaf: `${(0x8001 + i).toString(16)}:` } : {}),
          rateBits: s.rateBits,
          ceilBits: s.ceilBits,
          burstBytes: i === 0 && !s.leaf ? ROOT_BURST_BYTES : CLASS_BURST_BYTES,
          bytes: 0,
          packets: 0,
          drops: 0,
          overlimits: 0,
          lended: 0,
          borrowed: 0,
        }),
      );
      run = { signature, sinceMs: now, specs, rootBits, counters, rates: new Map() };
      this.running.set(iface, run);
      run.rates = this.rates(iface, run);
      return run;
    }
    const seconds = Math.max(0, (now - run.sinceMs) / 1000);
    const packets = (bits: number) => (bits * seconds) / 8 / PACKET_BYTES;
    for (const [handle, r] of run.rates) {
      const c = run.counters.get(handle)!;
      const sent = packets(r.own + r.borrowed);
      c.bytes += sent * PACKET_BYTES;
      c.packets += sent;
      c.drops += packets(r.dropped);
      c.lended += packets(r.own);
      c.borrowed += packets(r.borrowed);
      // A class that cannot send all it is offered is throttled about once per packet sent.
      if (r.dropped > 0) c.overlimits += sent;
    }
    run.sinceMs = now;
    return run;
  }
}
