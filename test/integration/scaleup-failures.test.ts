import { describe, expect, it } from 'vitest';
import type { RouterClient } from '../../src/vyos/router-client.js';
import type { ScaleDeps } from '../../src/scaleup/scale-deps.js';
import { waitFor } from './runbook-harness.js';
import {
  HUB,
  hubState,
  startScaleBench,
  type BenchOptions,
  type ScaleBench,
} from './scaleup-harness.js';
import { routedTimeline } from '../helpers/routed-paths.js';

async function withBench(
  options: Parameters<typeof startScaleBench>[0],
  body: (bench: ScaleBench) => Promise<void>,
): Promise<void> {
  const bench = await startScaleBench(options);
  try {
    await body(bench);
  } finally {
    await bench.cleanup();
  }
}

/**
 * Every VPC is forwarded again (the old router may need a moment to re-establish after an undo).
 */
async function forwardingAgain(bench: ScaleBench): Promise<void> {
  await waitFor(
    'every VPC to be forwarded',
    () => Promise.resolve(routedTimeline(bench.world).paths.every((p) => p.forwarded)),
    15_000,
  );
}

describe('scale-up failures leave the old router forwarding', () => {
  it.concurrent(
    'a capacity error on launch ends the run; nothing launched, nothing moved, the thread says why',
    async () => {
      await withBench({}, async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
        // More failures than the SDK's retries: AWS really has no capacity.
        world.state.faults.inject({
          action: 'RunInstances',
          code: 'InsufficientInstanceCapacity',
          times: 20,
        });
        bench.startWorker();
        world.resetTimeline();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.status).toBe('rolled-back');
        expect(run.steps.find((s) => s.id === 'launch')?.status).toBe('failed');
        expect(run.steps.find((s) => s.id === 'launch')?.error).toMatch(
          /InsufficientInstanceCapacity|capacity/i,
        );
        expect(run.outcome).toMatch(/Launch the new instance/);
        const failed = bench.observer.events.find(
          (e) => e.type === 'step-failed' && e.runId === run.id,
        );
        expect(failed?.stepId).toBe('launch');
        const after = hubState(world, oldId);
        expect(after.launched).toHaveLength(0);
        expect(after.old.state).toBe('running');
        expect(after.address.networkInterfaceId).toBe(oldEni);
        expect(routedTimeline(world).outages).toHaveLength(0);
        expect(routedTimeline(world).paths.every((p) => p.forwarded)).toBe(true);
      });
    },
  );

  it.concurrent(
    'a new router that never brings its tunnels up: the ' +
      'Elastic IP goes back, the new instance is stopped',
    async () => {
      let world!: ScaleBench['world'];
      const forceDown: BenchOptions = {
        async afterStep(stepId) {
          if (stepId !== 'copy-config') return;
          // The new router is configured but one of its tunnels will never come up.
          const fresh = [...world.state.instances.values()].find(
            (i) => i.tags['flatnet:router'] === HUB && i.tags['flatnet:run'],
          )!;
          for (const peer of [
            'office',
            ...world.topology.routers.filter((r) => r.role === 'spoke').map((r) => r.name),
          ])
            world.setTunnelForced(fresh.instanceId, peer, 'down');
        },
      };
      await withBench({ tunnelTimeoutMs: 1000, ...forceDown }, async (bench) => {
        world = bench.world;
        const oldId = world.router(HUB).instanceId;
        const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
        const routesBefore = hubState(world, oldId).routeTargets.filter((r) => r.eni === oldEni);
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.status).toBe('rolled-back');
        expect(run.steps.find((s) => s.id === 'bring-tunnels-up')?.error).toMatch(/still down/);
        expect(run.steps.find((s) => s.id === 'move-elastic-ip')?.status).toBe('undone');
        expect(run.steps.find((s) => s.id === 'launch')?.status).toBe('undone');
        expect(run.outcome).toMatch(/Undid/);
        const after = hubState(world, oldId);
        // The abandoned instance is stopped, not gone: the outcome says so instead of "as it was
        // before".
        expect(run.outcome).toContain(
          `kept: instance ${after.launched[0]!.instanceId} stopped, ` +
            `not terminated (tagged flatnet:abandoned-by=${run.id}`,
        );
        expect(run.outcome).not.toContain('as it was before');
        expect(after.address.networkInterfaceId).toBe(oldEni);
        expect(after.old.state).toBe('running');
        expect(after.launched).toHaveLength(1);
        expect(['stopping', 'stopped']).toContain(after.launched[0]!.state);
        expect(after.launched[0]!.tags['flatnet:abandoned-by']).toBe(run.id);
        for (const r of routesBefore)
          expect(
            after.routeTargets.find((t) => t.table === r.table && t.destination === r.destination)
              ?.eni,
          ).toBe(oldEni);
        await forwardingAgain(bench);
        expect(await bench.deps.routerFacts.get(HUB)).toBeUndefined();
      });
    },
  );

  it.concurrent('EC2 throttling mid-run is absorbed by the SDK retries', async () => {
    await withBench({}, async (bench) => {
      const { world } = bench;
      const oldId = world.router(HUB).instanceId;
      let injected = false;
      world.state.on('request', (r) => {
        // Once the launch is through, throttle the calls of the cutover.
        if (r.action === 'RunInstances' && r.status === 200 && !injected) {
          injected = true;
          for (const action of ['DescribeInstances', 'AssociateAddress', 'ReplaceRoute'])
            world.state.faults.inject({ action, code: 'RequestLimitExceeded' });
        }
      });
      bench.startWorker();
      const run = await bench.finished((await bench.submit()).id);
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(injected).toBe(true);
      expect(world.state.faults.remaining).toBe(0);
      const after = hubState(world, oldId);
      expect(after.launched).toHaveLength(1);
      expect(after.address.networkInterfaceId).toBe(after.launched[0]!.networkInterfaceId);
    });
  });

  it.concurrent(
    'SSH dropping mid-copy fails the copy; undo stops the ' +
      'new instance and the old router never stopped forwarding',
    async () => {
      const dropMidCopy = (
        real: ScaleDeps['routers'],
        world: ScaleBench['world'],
      ): ScaleDeps['routers'] => ({
        router: (name) => real.router(name),
        forInstance(endpoint) {
          const client = real.forInstance(endpoint);
          const instanceId = endpoint.name.split('/')[1]!;
          return {
            ...client,
            async applyConfig(lines, options) {
              // Slow commands so the copy is surely under way when the router goes away.
              world.router(instanceId).handle.router.setRoundTrip(200);
              const applying = client.applyConfig(lines, options);
              await new Promise((resolve) => setTimeout(resolve, 400));
              world.setRouterDown(instanceId, true, 'power');
              return applying;
            },
          } satisfies RouterClient;
        },
      });
      await withBench({ wrapRouters: dropMidCopy }, async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
        bench.startWorker();
        world.resetTimeline();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.outcome).toMatch(/Copy the running configuration/);
        expect(run.status).toBe('rolled-back');
        const copy = run.steps.find((s) => s.id === 'copy-config')!;
        expect(copy.status).toBe('failed');
        expect(copy.error).toMatch(/closed|reach|unreachable|SSH/i);
        const after = hubState(world, oldId);
        expect(after.address.networkInterfaceId).toBe(oldEni);
        expect(['stopping', 'stopped']).toContain(after.launched[0]!.state);
        expect(routedTimeline(world).outages).toHaveLength(0);
        expect(routedTimeline(world).paths.every((p) => p.forwarded)).toBe(true);
      });
    },
  );

  it.concurrent(
    'when only stopping the old router fails, the verified ' +
      'cutover stays and the thread says what remains',
    async () => {
      await withBench({}, async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        world.state.faults.inject({
          action: 'StopInstances',
          code: 'UnauthorizedOperation',
          times: 20,
        });
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.status).toBe('failed');
        expect(run.steps.find((s) => s.id === 'stop-old-router')?.status).toBe('failed');
        expect(run.outcome).toMatch(
          /Stopped before undoing "Verify the new router carries the traffic"/,
        );
        expect(run.outcome).toMatch(/Still in effect: .*Move the Elastic IP to the new router/);
        const after = hubState(world, oldId);
        expect(after.launched).toHaveLength(1);
        const fresh = after.launched[0]!;
        expect(after.address.networkInterfaceId).toBe(fresh.networkInterfaceId);
        expect(after.old.state).toBe('running');
        expect(routedTimeline(world).paths.every((p) => p.forwarded)).toBe(true);
        expect((await bench.deps.routerFacts.get(HUB))?.instanceId).toBe(fresh.instanceId);
      });
    },
  );
});
