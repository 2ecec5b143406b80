import { describe, expect, it } from 'vitest';
import { MonitorSchema } from '../../src/config/monitor-schema.js';
import { decideRouter, type DecideInput } from '../../src/monitor/decide-router.js';
import { NEW_WATCH, type RouterWatch } from '../../src/monitor/monitor-types.js';

const settings = MonitorSchema.parse({
  failuresToAct: 3,
  recoveriesToResolve: 2,
  failoverCooldownMinutes: 30,
  routers: { 'hub-a': { failover: 'auto' } },
});
const down = { router: 'hub-a', healthy: false, error: 'timeout', tunnelsDown: [] };
const up = { router: 'hub-a', healthy: true, tunnelsDown: [] };
const standby = { name: 'hub-b', healthy: true };

function step(watch: RouterWatch, over: Partial<DecideInput> = {}) {
  return decideRouter({
    watch,
    probe: down,
    settings,
    now: 1_000,
    standby,
    paused: false,
    judgeTunnels: true,
    ...over,
  });
}

describe('decideRouter', () => {
  it('the defaults are the original monitor: 10 s, 3 failures, load 2.0 over 5 minutes', () => {
    const d = MonitorSchema.parse(undefined);
    expect([d.intervalSeconds, d.failuresToAct, d.loadThreshold, d.loadWindowMinutes]).toEqual([
      10, 3, 2, 5,
    ]);
    expect(d.routers).toEqual({});
  });

  it('opens an incident and asks for a failover on the Nth failure, not before', () => {
    const one = step(NEW_WATCH);
    const two = step(one.watch);
    expect([one.failover, two.failover, one.changed, two.changed]).toEqual([
      undefined,
      undefined,
      false,
      false,
    ]);
    const three = step(two.watch);
    expect(three.failover).toEqual({ policy: 'auto', standby: 'hub-b' });
    expect(three.watch.incident?.timeline.map((e) => e.what)).toEqual(['detected', 'decided']);
    // Once asked, further failures ask nothing more in this incident.
    const four = step({
      ...three.watch,
      incident: { ...three.watch.incident!, failover: 'submitted' },
    });
    expect([four.failover, four.changed]).toEqual([undefined, false]);
  });

  it('an incident is named after its failure streak: a re-run round opens the same one', () => {
    const one = step(NEW_WATCH, { now: 1_000 });
    const two = step(one.watch, { now: 2_000 });
    // The round that opened the incident died unsaved; the next round (later) re-opens it.
    const died = step(two.watch, { now: 3_000 });
    const rerun = step(two.watch, { now: 4_000 });
    expect(died.watch.incident!.id).toBe(rerun.watch.incident!.id);
    // Once it resolves, the next streak opens another incident.
    const back = [5_000, 5_500].reduce((w, now) => step(w, { probe: up, now }).watch, rerun.watch);
    expect([back.failingSince, back.incident!.resolvedAt]).toEqual([undefined, 5_500]);
    const again = [6_000, 7_000, 8_000].reduce((w, now) => step(w, { now }).watch, back);
    expect(again.incident!.id).not.toBe(died.watch.incident!.id);
  });

  it('a router without a policy entry asks for approval', () => {
    const s = { ...settings, failuresToAct: 1, routers: {} };
    expect(step(NEW_WATCH, { settings: s }).failover?.policy).toBe('approve');
  });

  it('an unhealthy standby blocks, alerting once; a healthy standby later unblocks', () => {
    const s = { ...settings, failuresToAct: 1 };
    const sick = { name: 'hub-b', healthy: false, error: 'no SSH' };
    const a = step(NEW_WATCH, { settings: s, standby: sick });
    expect(a.failover).toBeUndefined();
    expect(a.watch.incident?.failover).toBe('blocked');
    expect(a.watch.incident?.timeline.at(-1)?.text).toContain('standby hub-b is unhealthy');
    const b = step(a.watch, { settings: s, standby: sick });
    expect([b.changed, b.watch.incident?.timeline.length]).toEqual([false, 2]);
    expect(step(b.watch, { settings: s }).failover?.standby).toBe('hub-b');
  });

  it(
    'resolves after the recoveries, and a new ' + 'incident within the cooldown does not fail over',
    () => {
      const s = { ...settings, failuresToAct: 1 };
      const asked = step(NEW_WATCH, { settings: s });
      const done = {
        ...asked.watch,
        incident: { ...asked.watch.incident!, failover: 'done' as const },
      };
      const r1 = step(done, { settings: s, probe: up, now: 2_000 });
      expect(r1.watch.incident?.resolvedAt).toBeUndefined();
      const r2 = step(r1.watch, { settings: s, probe: up, now: 3_000 });
      expect(r2.watch.incident?.resolvedAt).toBe(3_000);
      expect(r2.watch.incident?.timeline.at(-1)?.text).toContain('/router failback hub-a');
      const again = step(r2.watch, { settings: s, now: 4_000 });
      expect(again.failover).toBeUndefined();
      expect(again.watch.incident?.failover).toBe('cooldown');
      const later = step(r2.watch, { settings: s, now: 1_000 + 31 * 60_000 });
      expect(later.failover?.policy).toBe('auto');
    },
  );

  it('a paused router opens no incident; a router without standby alerts only', () => {
    const s = { ...settings, failuresToAct: 1 };
    expect(step(NEW_WATCH, { settings: s, paused: true }).watch.incident).toBeUndefined();
    const alone = decideRouter({
      watch: NEW_WATCH,
      probe: down,
      settings: s,
      now: 1,
      paused: false,
    });
    expect(alone.watch.incident?.failover).toBe('none');
    expect(alone.failover).toBeUndefined();
  });

  it('tunnels all down while SSH answers: an incident without automatic failover', () => {
    const lit = { ...up, tunnelsUp: 3 };
    const dark = { ...up, tunnelsUp: 0, tunnelsDown: ['peer-office-tunnel-0', 'BGP 169.254.0.1'] };
    const a = step(NEW_WATCH, { probe: lit });
    expect(a.watch.tunnelsLit).toBe(true);
    const d = [2, 3, 4].reduce((w, now) => step(w, { probe: dark, now }).watch, a.watch);
    const incident = d.incident!;
    expect([incident.kind, incident.failover]).toEqual(['tunnels-down', 'none']);
    expect(incident.timeline.map((e) => e.what)).toEqual(['detected', 'decided']);
    expect(incident.timeline[0]!.text).toContain('all its tunnels are down (peer-office-tunnel-0');
    expect(incident.timeline[1]!.text).toContain('no automatic failover');
    // Said once; and no failover asked while SSH answers.
    const more = step(d, { probe: dark, now: 5 });
    expect([more.failover, more.changed]).toEqual([undefined, false]);
    // SSH dies too: the failover policy applies to the same incident.
    const gone = step(more.watch, { probe: down, now: 6 });
    expect(gone.failover?.policy).toBe('auto');
    expect(gone.watch.incident!.id).toBe(incident.id);
    // Tunnels back: resolved with the words for it.
    const back = [7, 8].reduce((w, now) => step(w, { probe: lit, now }).watch, more.watch);
    expect(back.incident!.timeline.at(-1)!.text).toBe("hub-a's tunnels are up again");
  });

  it('a router whose tunnels were never up since it answered (a standby) is not failing', () => {
    const dark = { ...up, tunnelsUp: 0, tunnelsDown: ['peer-office-tunnel-0'] };
    const w = [1, 2, 3, 4].reduce((w, now) => step(w, { probe: dark, now }).watch, NEW_WATCH);
    expect([w.failures, w.incident]).toEqual([0, undefined]);
    // Nor a primary back from power-off without the Elastic IP: its SSH failure forgot them.
    const lit = step(NEW_WATCH, { probe: { ...up, tunnelsUp: 2 } }).watch;
    const off = step(lit, { probe: down }).watch;
    expect(off.tunnelsLit).toBeUndefined();
    expect(step(off, { probe: dark }).watch.failures).toBe(0);
    // Nor a router not judged on its tunnels (a spoke, or another router died this round).
    expect(step(lit, { probe: dark, judgeTunnels: false }).watch.failures).toBe(0);
  });
});
