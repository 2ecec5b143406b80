import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB, hubState, startScaleBench, type ScaleBench } from './scaleup-harness.js';
import {
  establishedConnections,
  expectOutageOnlyAfterEipMove,
  expectSasEstablished,
} from './cutover-checks.js';

describe('scale-up runbook in the simulated world', () => {
  let bench: ScaleBench;
  beforeEach(async () => {
    bench = await startScaleBench();
  });
  afterEach(async () => {
    await bench.cleanup();
  });

  it(
    'replaces the hub with a bigger instance, ' + 'flipping only when the new router is ready',
    async () => {
      const { world } = bench;
      const oldId = world.router(HUB).instanceId;
      const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
      const routesBefore = hubState(world, oldId).routeTargets.filter((r) => r.eni === oldEni);
      expect(routesBefore.length).toBeGreaterThan(0);
      const sasBefore = await establishedConnections(bench.deps.routers.router(HUB));

      const calls: string[] = [];
      world.state.on('request', (r) => calls.push(r.action));
      let eipMovedAt: number | undefined;
      // Before the world's own listener, which records the outage the move causes: read after
      // it, the clock would include the world's evaluation and the verdict would depend on load.
      world.state.prependListener('address-associated', () => (eipMovedAt ??= Date.now()));

      bench.startWorker();
      world.resetTimeline();
      const submitted = await bench.submit({ approval: true });
      const waiting = await bench.engine.get(submitted.id);
      const planned = await waitForPlan(bench, submitted.id);
      expect(planned.plan?.[0]).toBe(
        `Scale up ${HUB} (${oldId}, ap-northeast-1): c5.large → c5.xlarge`,
      );
      expect(planned.plan?.join('\n')).toMatch(/AMI: ami-/);
      expect(waiting).toBeDefined();
      // Nothing was launched before the approval.
      expect(calls).not.toContain('RunInstances');
      expect((await bench.engine.decide(submitted.id, 'U0BOB', 'approve')).ok).toBe(true);

      const run = await bench.finished(submitted.id);
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.steps.every((s) => s.status === 'done')).toBe(true);

      const after = hubState(world, oldId);
      expect(after.launched).toHaveLength(1);
      const fresh = after.launched[0]!;
      expect(calls.filter((a) => a === 'RunInstances')).toHaveLength(1);
      expect(fresh.type).toBe('c5.xlarge');
      expect(fresh.state).toBe('running');
      expect(fresh.sourceDestCheck).toBe(false);
      expect(after.address.networkInterfaceId).toBe(fresh.networkInterfaceId);
      for (const r of routesBefore)
        expect(
          after.routeTargets.find((t) => t.table === r.table && t.destination === r.destination)
            ?.eni,
        ).toBe(fresh.networkInterfaceId);
      expect(['stopping', 'stopped']).toContain(after.old.state);
      expect(after.old.tags['flatnet:replaced-by']).toBe(run.id);
      expect(calls).not.toContain('TerminateInstances');

      // The new router established every SA the old one had, as the router itself reports.
      const newRouter = bench.deps.routers.forInstance({
        name: 'check',
        ...world.resolveSsh(fresh.instanceId)!,
        sameLoginAs: HUB,
      });
      await expectSasEstablished(newRouter, sasBefore);

      // The outage began no earlier than the Elastic IP move: the old router forwarded until then.
      expectOutageOnlyAfterEipMove(world, eipMovedAt);

      // The facts point the rest of flatnet at the new instance; no inventory edit is asked for.
      const facts = await bench.deps.routerFacts.get(HUB);
      expect(facts).toMatchObject({
        instanceId: fresh.instanceId,
        privateIp: fresh.privateIp,
        runId: run.id,
        replaces: [oldId],
      });
      expect(run.outcome).toContain(facts!.hostKey);
      expect(run.outcome).toContain(`Every flatnet process reaches ${HUB} at ${fresh.instanceId}`);
      expect(run.outcome).not.toContain('update the inventory');
      // "stopped" only when EC2 said so as the step ended.
      const stopped = run.steps.find((s) => s.id === 'stop-old-router')?.result as {
        state: string;
      };
      expect(run.outcome).toContain(
        `${oldId} is ${stopped.state === 'stopped' ? 'stopped' : 'stopping'}`,
      );
    },
  );
});

async function waitForPlan(bench: ScaleBench, runId: string) {
  const { waitFor } = await import('./runbook-harness.js');
  return waitFor('the plan', async () => {
    const run = await bench.engine.get(runId);
    return run?.status === 'awaiting-approval'
      ? run
      : run && ['failed'].includes(run.status)
        ? run
        : undefined;
  });
}
