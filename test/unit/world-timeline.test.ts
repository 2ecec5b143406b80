import { describe, expect, it } from 'vitest';
import { ForwardingTimeline } from '../../src/sim/world/forwarding-timeline.js';

describe('forwarding timeline', () => {
  it('opens an outage when a VPC stops being forwarded and closes it when it resumes', () => {
    let now = 1000;
    const t = new ForwardingTimeline(() => now);
    t.record('us-east-1/production', true);
    now = 2000;
    t.record('us-east-1/production', false);
    now = 2500;
    t.record('us-east-1/production', false); // no change: same outage
    now = 3200;
    t.record('us-east-1/production', true);
    expect(t.snapshot().outages).toEqual([
      { path: 'us-east-1/production', from: 2000, to: 3200, durationMs: 1200 },
    ]);
  });

  it('sums and clips outages to the window, counting an ongoing one up to now', () => {
    let now = 0;
    const t = new ForwardingTimeline(() => now);
    t.record('a', true);
    t.record('b', true);
    now = 100;
    t.record('a', false);
    now = 300;
    t.record('a', true);
    now = 400;
    t.record('b', false);
    now = 1000;
    expect(t.outageMs()).toEqual({ longestMs: 600, totalMs: 800, count: 2 });
    expect(t.outageMs(200)).toEqual({ longestMs: 600, totalMs: 700, count: 2 });
    expect(t.outageMs(350)).toEqual({ longestMs: 600, totalMs: 600, count: 1 });
  });

  it('starts afresh on reset but keeps an ongoing outage open from the reset', () => {
    let now = 0;
    const t = new ForwardingTimeline(() => now);
    t.record('a', true);
    t.record('b', true);
    now = 10;
    t.record('a', false);
    now = 50;
    t.reset();
    now = 80;
    t.record('a', true);
    expect(t.snapshot().outages).toEqual([{ path: 'a', from: 50, to: 80, durationMs: 30 }]);
  });
});
