import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './runbook-harness.js';
import { pairState, PRIMARY, STANDBY } from './failover-harness.js';
import {
  roundThatDiesBeforeSaving,
  roundThatDiesWhileSubmitting,
  startMonitorWorld,
  type MonitorWorld,
} from './monitor-world.js';
import { MONITOR_REQUESTER } from '../../jobs/monitor.js';

describe('the monitor fails a dead primary over through the failover runbook', () => {
  let bench: MonitorWorld | undefined;
  afterEach(async () => {
    await bench?.close();
    bench = undefined;
  });

  it(
    'auto: the third failed probe fails over once; the primary coming back ' +
      'keeps the Elastic IP on the standby; flapping causes no second failover',
    async () => {
      bench = await startMonitorWorld('mon-auto', {
        failuresToAct: 3,
        recoveriesToResolve: 2,
        routers: { [PRIMARY]: { failover: 'auto' } },
      });
      const { world, runtime } = bench;
      const standbyEni = pairState(world).standby.networkInterfaceId;

      const healthy = await bench.round();
      expect(healthy.summary.routers.every((r) => r.healthy)).toBe(true);
      expect(healthy.summary.openIncidents).toEqual([]);

      world.setRouterDown(PRIMARY, true, 'power');
      expect((await bench.round()).failovers).toEqual([]);
      expect((await bench.round()).failovers).toEqual([]);
      const third = await bench.round();
      expect(third.failovers).toEqual([PRIMARY]);
      expect(third.summary.openIncidents).toEqual([PRIMARY]);

      const watch = (await runtime.monitor.store.watches())[PRIMARY]!;
      const runId = watch.incident!.runId!;
      expect(watch.incident!.failover).toBe('submitted');
      expect(watch.incident!.timeline.map((e) => e.what)).toEqual(['detected', 'decided', 'acted']);
      const run = await waitFor('the failover run to end', async () => {
        const r = await runtime.engine.get(runId);
        return r && ['succeeded', 'failed', 'rolled-back'].includes(r.status) ? r : undefined;
      });
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.kind).toBe('failover');
      expect(run.requester).toBe(MONITOR_REQUESTER);
      expect(run.approval).toBeUndefined();
      expect(pairState(world).eipHolder).toBe(standbyEni);

      // Still down: the round verifies the run and asks nothing more.
      const after = await bench.round();
      expect(after.failovers).toEqual([]);
      const verified = (await runtime.monitor.store.watches())[PRIMARY]!.incident!;
      expect(verified.failover).toBe('done');
      expect(verified.timeline.map((e) => e.what)).toEqual([
        'detected',
        'decided',
        'acted',
        'verified',
      ]);

      // The primary comes back: the incident resolves, the Elastic IP stays on the standby.
      world.setRouterDown(PRIMARY, false, 'power');
      await bench.round();
      const back = await bench.round();
      expect(back.summary.openIncidents).toEqual([]);
      const resolved = (await runtime.monitor.store.watches())[PRIMARY]!.incident!;
      expect(resolved.resolvedAt).toBeDefined();
      expect(resolved.timeline.at(-1)!.text).toContain(`/router failback ${PRIMARY}`);
      expect(pairState(world).eipHolder).toBe(standbyEni);

      // It flaps: a new incident within the cooldown decides against a second failover.
      world.setRouterDown(PRIMARY, true, 'power');
      const flaps = [await bench.round(), await bench.round(), await bench.round()];
      expect(flaps.flatMap((r) => r.failovers)).toEqual([]);
      const second = (await runtime.monitor.store.watches())[PRIMARY]!.incident!;
      expect(second.id).not.toBe(resolved.id);
      expect(second.failover).toBe('cooldown');
      expect(second.timeline.at(-1)!.text).toMatch(/cooldown/);
      expect(pairState(world).eipHolder).toBe(standbyEni);
    },
  );

  it(
    'approve: the failover waits for a person; an unhealthy ' +
      'standby blocks it with an alert until the standby is back',
    async () => {
      bench = await startMonitorWorld('mon-approve', { failuresToAct: 2 });
      const { world, runtime } = bench;
      const primaryEni = pairState(world).primary.networkInterfaceId;

      world.setRouterDown(STANDBY, true, 'power');
      world.setRouterDown(PRIMARY, true, 'power');
      await bench.round();
      const blocked = await bench.round();
      expect(blocked.failovers).toEqual([]);
      const incident = (await runtime.monitor.store.watches())[PRIMARY]!.incident!;
      expect(incident.failover).toBe('blocked');
      expect(incident.timeline.at(-1)!.text).toContain(`the standby ${STANDBY} is unhealthy`);
      // Alerts only on change: another blocked round adds nothing to the timeline.
      await bench.round();
      expect((await runtime.monitor.store.watches())[PRIMARY]!.incident!.timeline).toHaveLength(
        incident.timeline.length,
      );
      expect(pairState(world).eipHolder).toBe(primaryEni);

      world.setRouterDown(STANDBY, false, 'power');
      const asked = await bench.round();
      expect(asked.failovers).toEqual([PRIMARY]);
      const runId = (await runtime.monitor.store.watches())[PRIMARY]!.incident!.runId!;
      const run = await waitFor('the plan to wait for approval', async () => {
        const r = await runtime.engine.get(runId);
        return r && ['awaiting-approval', 'failed'].includes(r.status) ? r : undefined;
      });
      expect(run.status).toBe('awaiting-approval');
      expect(run.approval?.approvers).toEqual(['U0BOB', 'U0CAROL']);
      expect(pairState(world).eipHolder).toBe(primaryEni);
      // Another round while it waits asks nothing more.
      expect((await bench.round()).failovers).toEqual([]);
    },
  );

  it('a worker dying between the submit and saving its round: no second failover', async () => {
    bench = await startMonitorWorld('mon-fo-crash', {
      failuresToAct: 2,
      routers: { [PRIMARY]: { failover: 'auto' } },
    });
    const { world, runtime } = bench;
    world.setRouterDown(PRIMARY, true, 'power');
    await bench.round();
    const store = runtime.monitor.store;
    expect(await roundThatDiesBeforeSaving(runtime)).toMatchObject({ message: 'the worker died' });
    const failovers = () =>
      runtime.engine.store.list({ target: PRIMARY, kind: 'failover', limit: 9 });
    const [asked] = await failovers();
    expect(asked?.requester).toBe(MONITOR_REQUESTER);

    // The next round opens the same incident (same failure streak), finds its claim, follows it.
    const next = await bench.round();
    expect(next.failovers).toEqual([]);
    const incident = (await store.watches())[PRIMARY]!.incident!;
    expect([incident.failover, incident.runId]).toEqual(['submitted', asked!.id]);
    const run = await waitFor('the failover run to end', async () => {
      const r = await runtime.engine.get(asked!.id);
      return r && ['succeeded', 'failed', 'rolled-back'].includes(r.status) ? r : undefined;
    });
    expect(run.status).toBe('succeeded');
    await bench.round();
    expect((await store.watches())[PRIMARY]!.incident!.failover).toBe('done');
    expect(await failovers()).toHaveLength(1);
  });

  it.each(['before-submit', 'before-recording'] as const)(
    'a worker dying after claiming the failover, %s: the next round submits that run, once',
    async (at) => {
      bench = await startMonitorWorld(`mon-fo-claim-${at}`, {
        failuresToAct: 2,
        routers: { [PRIMARY]: { failover: 'auto' } },
      });
      const { world, runtime } = bench;
      const store = runtime.monitor.store;
      const failovers = () =>
        runtime.engine.store.list({ target: PRIMARY, kind: 'failover', limit: 9 });
      world.setRouterDown(PRIMARY, true, 'power');
      await bench.round();
      expect(await roundThatDiesWhileSubmitting(runtime, at)).toMatchObject({
        message: 'the worker died',
      });
      const before = await failovers();
      expect(before).toHaveLength(at === 'before-submit' ? 0 : 1);

      // The claim outlived its round and names the run: the next round asks for that run.
      const next = await bench.round();
      expect(next.failovers).toEqual([PRIMARY]);
      const incident = (await store.watches())[PRIMARY]!.incident!;
      expect(incident.failover).toBe('submitted');
      const asked = await failovers();
      expect(asked).toHaveLength(1);
      expect(asked[0]!.id).toBe(incident.runId);
      if (before[0]) expect(asked[0]!.id).toBe(before[0].id);
      const run = await waitFor('the failover run to end', async () => {
        const r = await runtime.engine.get(incident.runId!);
        return r && ['succeeded', 'failed', 'rolled-back'].includes(r.status) ? r : undefined;
      });
      expect(run.status).toBe('succeeded');
      expect(pairState(world).eipHolder).toBe(pairState(world).standby.networkInterfaceId);

      // Followed to its end like any other, and never asked again.
      await bench.round();
      expect((await store.watches())[PRIMARY]!.incident!.failover).toBe('done');
      expect(await failovers()).toHaveLength(1);
    },
  );
});
