import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { tokenizeCliLine } from '../../src/sim/vyos/parse-cli-words.js';
import { runOpCommand } from '../../src/sim/vyos/run-op-command.js';
import { VyosRouter } from '../../src/sim/vyos/vyos-router.js';
import {
  PACKET_BYTES,
  ShaperCounters,
  type OfferedFlow,
} from '../../src/sim/vyos/shaper-counters.js';
import { showTcClasses, tcRate } from '../../src/sim/vyos/show-tc-class.js';
import { compareShaperSamples, describeShaperLoad } from '../../src/status/shaper-load.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { parseProcUptime, parseTcClasses, parseTcRate } from '../../src/vyos/parse-tc-classes.js';
import type { ShaperSample } from '../../src/vyos/types.js';

/** Captured on Linux 6.x with iproute2 6.1: VyOS's HTB commands, 5 Mbit/s class flooded. */
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/vyos/${name}`, import.meta.url), 'utf8');
const REAL = fixture('tc-s-class-htb.txt');
/** A shaper with only its default class (flatnet's for a network): the root is the leaf. */
const REAL_DEFAULT_ONLY = fixture('tc-s-class-htb-default-only.txt');

const SHAPER = [
  "set interfaces wireguard wg0 address '10.250.0.1/24'",
  "set qos policy shaper FLATNET-wg0 bandwidth '50mbit'",
  "set qos policy shaper FLATNET-wg0 description 'flatnet: developers at most 50mbit'",
  "set qos policy shaper FLATNET-wg0 default bandwidth '100%'",
  "set qos policy shaper FLATNET-wg0 default ceiling '100%'",
  "set qos policy shaper FLATNET-wg0 class 10 bandwidth '5mbit'",
  "set qos policy shaper FLATNET-wg0 class 10 ceiling '5mbit'",
  "set qos policy shaper FLATNET-wg0 class 10 description 'flatnet: peer alice at most 5mbit'",
  "set qos policy shaper FLATNET-wg0 class 10 match alice ip destination address '10.250.0.10/32'",
  "set qos interface wg0 egress 'FLATNET-wg0'",
];

function routerAt(lines: string[]) {
  let now = 1_000_000;
  const router = { active: ConfigTree.fromSetLines(lines), bootedAt: 0 };
  const counters = new ShaperCounters(router, () => now);
  return { router, counters, advance: (ms: number) => (now += ms), clock: () => now / 1000 };
}

function sample(counters: ShaperCounters, seconds: number): ShaperSample {
  const classes = parseTcClasses(showTcClasses(counters.classes('wg0')).join('\n'));
  return { iface: 'wg0', uptimeSeconds: seconds, classes };
}

/** Offer `flows` to wg0, read its counters, wait `seconds`, read again: status's judgement. */
function judgeOver(lines: string[], flows: OfferedFlow[], seconds: number, warmupMs = 0) {
  const { counters, advance, clock } = routerAt(lines);
  counters.offer('wg0', flows);
  advance(warmupMs);
  const first = sample(counters, clock());
  advance(seconds * 1000);
  const config = parseConfigCommands(lines.join('\n'));
  return compareShaperSamples(first, sample(counters, clock()), config);
}

describe('tc -s class show (HTB), read as iproute2 6.1 prints it', () => {
  it('reads the real capture: rates, bytes, the leaf class drops and overlimits', () => {
    const classes = parseTcClasses(REAL);
    expect(classes.map((c) => c.handle)).toEqual(['1:1', '1:a', '1:b']);
    expect(classes[0]).toMatchObject({ root: true, rateBits: 50e6, ceilBits: 50e6, drops: 0 });
    expect(classes[1]!.ceilBits).toBe(5e6);
    expect(classes[1]!.drops).toBeGreaterThan(1000);
    expect(classes[1]!.overlimits).toBeGreaterThan(0);
    expect(classes[1]!.bytes).toBe(classes[0]!.bytes);
  });

  it('reads rates as sprint_rate writes them, and refuses what is not tc output', () => {
    expect([50e6, 5e6, 1.5e6, 10e9, 999].map(tcRate)).toEqual([
      '50Mbit',
      '5Mbit',
      '1500Kbit',
      '10Gbit',
      '999bit',
    ]);
    expect(['50Mbit', '1500Kbit', '10Gbit', '5Mibit'].map(parseTcRate)).toEqual([
      50e6,
      1.5e6,
      10e9,
      5 * 1024 * 1024,
    ]);
    expect(() => parseTcClasses('Cannot find device "wg7"')).toThrow(/Cannot find device/);
    expect(() => parseTcClasses('class htb 1:1 root rate fast\n Sent 1 bytes')).toThrow(
      /could not read the output of `tc -s class show`/,
    );
    expect(parseTcClasses('')).toEqual([]);
    expect(parseProcUptime('350735.47 234388.90\n')).toBe(350735.47);
  });

  it('the emulator prints the real layout: same lines, same words, numbers aside', () => {
    const { counters } = routerAt(SHAPER);
    const shape = (text: string) =>
      text
        .split('\n')
        .slice(0, 6)
        .map((l) => l.replace(/-?\d+/g, 'N'));
    expect(shape(showTcClasses(counters.classes('wg0')).join('\n'))).toEqual(shape(REAL));
    const single = routerAt(SHAPER.filter((l) => !l.includes(' class ')));
    const printed = showTcClasses(single.counters.classes('wg0')).join('\n');
    expect(shape(printed)).toEqual(shape(REAL_DEFAULT_ONLY));
    expect(parseTcClasses(REAL_DEFAULT_ONLY)).toMatchObject([{ handle: '1:1', root: true }]);
  });

  it('a network shaper with only its default class drops at its root, and status sees it', () => {
    const lines = SHAPER.filter((l) => !l.includes(' class '));
    const [pool] = judgeOver(lines, [{ dst: '10.250.0.20', bits: 60e6 }], 10);
    expect(pool).toMatchObject({ what: 'developers', limitBits: 50e6, atLimit: true });
    expect(pool!.drops).toBe(Math.round((10e6 * 10) / 8 / PACKET_BYTES));
  });
});

describe('the emulated shaper carries at most its limit and drops the rest', () => {
  it('a peer flooding its 5 Mbit/s class: 5 Mbit/s sent, the excess dropped', () => {
    const { counters, advance } = routerAt(SHAPER);
    counters.offer('wg0', [{ dst: '10.250.0.10', bits: 20e6 }]);
    advance(10_000);
    const [root, alice, other] = counters.classes('wg0');
    expect(alice).toMatchObject({ handle: '1:a', ceilBits: 5e6 });
    expect(alice!.bytes).toBeCloseTo((5e6 * 10) / 8, 0);
    expect(alice!.drops).toBeCloseTo((15e6 * 10) / 8 / PACKET_BYTES, 0);
    expect(root!.bytes).toBeCloseTo(alice!.bytes, 0);
    expect(other!.bytes).toBe(0);
  });

  it('the pool at 80 Mbit/s on a 50 Mbit/s shaper: 50 sent, the default class drops 30', () => {
    const { counters, advance } = routerAt(SHAPER);
    counters.offer('wg0', [{ dst: '10.250.0.20', bits: 80e6 }]);
    advance(4_000);
    const [root, , other] = counters.classes('wg0');
    expect(root!.bytes * 8).toBeCloseTo(50e6 * 4, -3);
    expect(other!.drops * PACKET_BYTES * 8).toBeCloseTo(30e6 * 4, -3);
  });

  it('a commit that changes the shaper starts its counters again', () => {
    const { router, counters, advance } = routerAt(SHAPER);
    counters.offer('wg0', [{ dst: '10.250.0.20', bits: 10e6 }]);
    advance(2_000);
    expect(counters.classes('wg0')[0]!.bytes).toBeGreaterThan(0);
    router.active = ConfigTree.fromSetLines(
      SHAPER.map((l) => l.replace("bandwidth '50mbit'", "bandwidth '60mbit'")),
    );
    expect(counters.classes('wg0')[0]).toMatchObject({ bytes: 0, rateBits: 60e6 });
  });
});

describe('status judges a shaper from two readings of its counters', () => {
  const config = parseConfigCommands(SHAPER.join('\n'));

  it('past its limit: at limit, with the drops of the interval and the network named', () => {
    const loads = judgeOver(SHAPER, [{ dst: '10.250.0.20', bits: 80e6 }], 40, 3_000);
    const pool = loads.find((l) => l.what === 'developers')!;
    expect(pool).toMatchObject({ iface: 'wg0', limitBits: 50e6, atLimit: true });
    expect(pool.bitsPerSecond).toBeCloseTo(50e6, -4);
    expect(describeShaperLoad(pool)).toMatch(/^100% of 50 Mbit\/s, 100k drops in the last 40 s$/);
    expect(loads.find((l) => l.what === 'peer alice')).toMatchObject({ atLimit: false });
  });

  it('under its limit: not at limit; a peer at its own ceiling is, by its name', () => {
    const flows = [
      { dst: '10.250.0.20', bits: 20e6 },
      { dst: '10.250.0.10', bits: 6e6 },
    ];
    const loads = judgeOver(SHAPER, flows, 10);
    const pool = loads.find((l) => l.what === 'developers')!;
    expect(pool.atLimit).toBe(false);
    expect(Math.round(pool.bitsPerSecond / 1e6)).toBe(25);
    expect(loads.find((l) => l.what === 'peer alice')).toMatchObject({ atLimit: true });
  });

  it('no judgement across a reboot, a replaced shaper, or readings too close together', () => {
    const { counters, advance, clock } = routerAt(SHAPER);
    counters.offer('wg0', [{ dst: '10.250.0.20', bits: 80e6 }]);
    advance(5_000);
    const first = sample(counters, clock());
    advance(500);
    expect(compareShaperSamples(first, sample(counters, clock()), config)).toEqual([]);
    advance(5_000);
    const later = sample(counters, clock());
    expect(compareShaperSamples(first, { ...later, uptimeSeconds: 3 }, config)).toEqual([]);
    const reset = { ...later, classes: later.classes.map((c) => ({ ...c, bytes: 0 })) };
    expect(compareShaperSamples(first, reset, config)).toEqual([]);
  });
});

describe('the emulated /proc/uptime', () => {
  it('is the router clock to the hundredth, beside the whole seconds of show system uptime', () => {
    const router = new VyosRouter({ name: 'r1', baseConfig: [] });
    // A router outside a world says it booted 30 s before sshd answered (live-state.ts).
    for (const ago of [200, 1_400, 61_700]) {
      router.bootedAt = Date.now() - ago;
      const [line] = runOpCommand(router, tokenizeCliLine('cat /proc/uptime')).lines;
      const up = parseProcUptime(line!);
      expect(Math.abs(up - router.live.uptimeSeconds())).toBeLessThan(1);
      expect(up - 30).toBeGreaterThanOrEqual(ago / 1000 - 0.01);
      expect(up - 30).toBeLessThan(ago / 1000 + 0.3);
    }
  });
});
