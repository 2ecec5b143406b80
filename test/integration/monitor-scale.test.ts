import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './runbook-harness.js';
import { PRIMARY } from './failover-harness.js';
import {
  roundThatDiesBeforeSaving,
  roundThatDiesWhileSubmitting,
  startMonitorWorld,
  type MonitorWorld,
} from './monitor-world.js';
import { MONITOR_REQUESTER } from '../../jobs/monitor.js';

describe('the monitor proposes a scale-up for sustained load, through the approval flow', () => {
  let bench: MonitorWorld | undefined;
  afterEach(async () => {
    await bench?.close();
    bench = undefined;
  });

  it(
    'a brief spike proposes nothing; load held over the window ' +
      'proposes exactly one scale-up, waiting for approval',
    async () => {
      // 60 s rounds and a 3-minute window: 3 loaded probes in a row. Rounds are run by hand.
      bench = await startMonitorWorld('mon-scale', { intervalSeconds: 60, loadWindowMinutes: 3 });
      const { world, runtime } = bench;
      const rounds = async (n: number) => {
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(...(await bench!.round()).scaleProposals);
        return out;
      };

      // A spike two probes long, then back to normal: no proposal.
      world.setLoad(PRIMARY, [4, 3.5, 1]);
      expect(await rounds(2)).toEqual([]);
      world.setLoad(PRIMARY, [0.8, 0.9, 1]);
      expect(await rounds(2)).toEqual([]);
      expect((await runtime.monitor.store.watches())[PRIMARY]!.loadHigh).toBe(0);

      // Sustained: the third loaded probe proposes; further loaded rounds propose nothing more.
      world.setLoad(PRIMARY, [4, 3.5, 2]);
      expect(await rounds(2)).toEqual([]);
      const proposed = await rounds(1);
      expect(proposed).toHaveLength(1);
      expect(proposed[0]).toMatch(new RegExp(`^scaleup ${PRIMARY} `));
      expect(await rounds(4)).toEqual([]);

      const runId = (await runtime.monitor.store.watches())[PRIMARY]!.scale!.runId!;
      const run = await waitFor('the scale-up plan to wait for approval', async () => {
        const r = await runtime.engine.get(runId);
        return r && ['awaiting-approval', 'failed'].includes(r.status) ? r : undefined;
      });
      expect(run.error).toBeUndefined();
      expect([run.kind, run.status, run.requester, run.target]).toEqual([
        'scaleup',
        'awaiting-approval',
        MONITOR_REQUESTER,
        PRIMARY,
      ]);
      expect(run.approval?.approvers.length).toBeGreaterThan(0);
      // While it waits for a person, the monitor still asks nothing more.
      expect(await rounds(2)).toEqual([]);
    },
  );

  it('a worker dying between the proposal and saving its round: no second one', async () => {
    bench = await startMonitorWorld('mon-scale-crash', {
      intervalSeconds: 60,
      loadWindowMinutes: 3,
    });
    const { world, runtime } = bench;
    world.setLoad(PRIMARY, [4, 3.5, 2]);
    await bench.round();
    await bench.round();
    // The third loaded round submits the proposal, then its worker dies before saving.
    const store = runtime.monitor.store;
    expect(await roundThatDiesBeforeSaving(runtime)).toMatchObject({ message: 'the worker died' });
    const scaleRuns = () =>
      runtime.engine.store.list({ target: PRIMARY, kind: 'scaleup', limit: 9 });
    const [asked] = await scaleRuns();
    expect(asked?.requester).toBe(MONITOR_REQUESTER);

    // The next round counts the same window full again, finds the claim, adopts the proposal.
    const next = await bench.round();
    expect(next.scaleProposals).toEqual([]);
    expect((await scaleRuns()).map((r) => r.id)).toEqual([asked!.id]);
    expect((await store.watches())[PRIMARY]!.scale?.runId).toBe(asked!.id);
    expect(await bench.round()).toMatchObject({ scaleProposals: [] });
    expect(await scaleRuns()).toHaveLength(1);
  });

  it.each(['before-submit', 'before-recording'] as const)(
    'a worker dying after claiming the proposal, %s: the next round submits that run, once',
    async (at) => {
      bench = await startMonitorWorld(`mon-scale-claim-${at}`, {
        intervalSeconds: 60,
        loadWindowMinutes: 3,
      });
      const { world, runtime } = bench;
      const store = runtime.monitor.store;
      const scaleRuns = () =>
        runtime.engine.store.list({ target: PRIMARY, kind: 'scaleup', limit: 9 });
      world.setLoad(PRIMARY, [4, 3.5, 2]);
      await bench.round();
      await bench.round();
      // The third loaded round claims the proposal; its worker dies before it is recorded.
      expect(await roundThatDiesWhileSubmitting(runtime, at)).toMatchObject({
        message: 'the worker died',
      });
      const before = await scaleRuns();
      expect(before).toHaveLength(at === 'before-submit' ? 0 : 1);

      // The claim outlived its round and names the run: the next round asks for that run.
      const next = await bench.round();
      expect(next.scaleProposals).toHaveLength(1);
      const runId = (await store.watches())[PRIMARY]!.scale!.runId!;
      expect(next.scaleProposals[0]).toBe(`scaleup ${PRIMARY} (${runId})`);
      const asked = await scaleRuns();
      expect(asked.map((r) => r.id)).toEqual([runId]);
      if (before[0]) expect(runId).toBe(before[0].id);
      const run = await waitFor('the scale-up plan to wait for approval', async () => {
        const r = await runtime.engine.get(runId);
        return r && ['awaiting-approval', 'failed'].includes(r.status) ? r : undefined;
      });
      expect([run.status, run.requester]).toEqual(['awaiting-approval', MONITOR_REQUESTER]);

      // Never asked again, and the approvers were asked once (one prompt in its thread).
      expect(await bench.round()).toMatchObject({ scaleProposals: [] });
      expect(await scaleRuns()).toHaveLength(1);
      const prompts = (await runtime.engine.store.readEvents(runId)).filter(
        (e) => e.event.type === 'awaiting-approval',
      );
      expect(prompts).toHaveLength(1);
    },
  );
});
