import { describe, expect, it } from 'vitest';
import { MonitorSchema } from '../../src/config/monitor-schema.js';
import { decideScale, probesIn, type ScaleInput } from '../../src/monitor/decide-scale.js';
import { NEW_WATCH, type RouterWatch } from '../../src/monitor/monitor-types.js';

// 60 s rounds: a 5-minute window is 5 probes, the 60-minute low window 60 probes.
const settings = MonitorSchema.parse({ intervalSeconds: 60, scaleCooldownMinutes: 60 });
const MIN = 60_000;

function probe(load5: number | undefined, healthy = true) {
  return { router: 'hub-a', healthy, tunnelsDown: [], ...(load5 !== undefined ? { load5 } : {}) };
}

/** Feeds loads one probe a minute; returns the proposals and the final watch. */
function feed(loads: (number | undefined)[], over: Partial<ScaleInput> = {}, start = NEW_WATCH) {
  let watch: RouterWatch = start;
  const proposals: { at: number; direction: string }[] = [];
  loads.forEach((load, i) => {
    const d = decideScale({
      watch,
      probe: probe(load),
      settings,
      now: i * MIN,
      rung: { index: 1, count: 3 },
      eligible: true,
      ...over,
    });
    watch = d.watch;
    if (d.propose) {
      proposals.push({ at: i, direction: d.propose });
      // The round records the run; it is still waiting for approval afterwards.
      watch = { ...watch, scale: { ...watch.scale!, runId: `run-${i}` } };
    }
  });
  return { proposals, watch };
}

describe('decideScale', () => {
  it(
    'the window is whole probes at the interval; ' + 'defaults are 2.0 over 5 min, 0.3 over 60 min',
    () => {
      const d = MonitorSchema.parse(undefined);
      expect([
        d.loadThreshold,
        d.loadWindowMinutes,
        d.lowLoadThreshold,
        d.lowLoadWindowMinutes,
      ]).toEqual([2, 5, 0.3, 60]);
      expect(probesIn(5, d)).toBe(30); // 10 s rounds
      expect(probesIn(5, settings)).toBe(5);
      expect(probesIn(1, { ...settings, intervalSeconds: 45 })).toBe(2);
    },
  );

  it(
    'sustained load proposes one scale-up after the ' +
      'window, not before; a brief spike proposes nothing',
    () => {
      expect(feed([2.5, 2.5, 2.5, 2.5]).proposals).toEqual([]);
      expect(feed([2.5, 2.5, 2.5, 2.5, 2.5]).proposals).toEqual([{ at: 4, direction: 'up' }]);
      // A dip, a failed probe or a missing reading restarts the count.
      expect(feed([2.5, 2.5, 2.5, 2.5, 1.0, 2.5, 2.5, 2.5, 2.5]).proposals).toEqual([]);
      const failed = feed([2.5, 2.5, 2.5, 2.5]).watch;
      const after = decideScale({
        watch: failed,
        probe: probe(2.5, false),
        settings,
        now: 0,
        rung: { index: 1, count: 3 },
        eligible: true,
      });
      expect(after.watch.loadHigh).toBe(0);
    },
  );

  it('no second proposal while one waits, nor within the cooldown after it ended', () => {
    const loaded = Array<number>(40).fill(3);
    const waiting = feed(loaded);
    expect(waiting.proposals).toEqual([{ at: 4, direction: 'up' }]);
    // The run ended (the round forgot it) at minute 10: the next ask comes after the cooldown.
    const ended = { ...waiting.watch, scale: undefined, loadHigh: 0 };
    delete ended.scale;
    const later = feed(Array<number>(70).fill(3), {}, ended);
    // lastScaleAt is minute 4; feed's clock restarts at 0, so the cooldown ends at minute 64.
    expect(later.proposals).toEqual([{ at: 64, direction: 'up' }]);
  });

  it(
    'long low load proposes a scale-down, never ' +
      'below the bottom of the ladder nor above its top',
    () => {
      const idle = Array<number>(60).fill(0.1);
      expect(feed(idle.slice(0, 59)).proposals).toEqual([]);
      expect(feed(idle).proposals).toEqual([{ at: 59, direction: 'down' }]);
      expect(feed(idle, { rung: { index: 0, count: 3 } }).proposals).toEqual([]);
      expect(feed(Array<number>(5).fill(3), { rung: { index: 2, count: 3 } }).proposals).toEqual(
        [],
      );
      // A type not on the ladder (or unknown), a standby or a paused router: nothing.
      expect(feed(idle, { rung: undefined }).proposals).toEqual([]);
      expect(feed(Array<number>(5).fill(3), { eligible: false }).proposals).toEqual([]);
    },
  );

  it('a low threshold at or above the high one is refused with the fix', () => {
    expect(() => MonitorSchema.parse({ loadThreshold: 1, lowLoadThreshold: 1 })).toThrow(
      /lowLoadThreshold must be below loadThreshold/,
    );
  });
});
