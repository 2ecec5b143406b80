import { describe, expect, it } from 'vitest';
import { HUB, hubState, startScaleBench, type ScaleBench } from './scaleup-harness.js';
import { routedTimeline } from '../helpers/routed-paths.js';

async function withBench(body: (bench: ScaleBench) => Promise<void>): Promise<void> {
  const bench = await startScaleBench();
  try {
    await body(bench);
  } finally {
    await bench.cleanup();
  }
}

describe('scale runbook: dry run, refusals, scale-down', () => {
  it.concurrent(
    'a dry run plans, proves each AWS call with DryRun, ' +
      'shows the config rewrite, and changes nothing',
    async () => {
      await withBench(async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        const oldEni = world.state.getInstance(oldId)!.networkInterfaceId;
        const calls: { action: string; code?: string }[] = [];
        world.state.on('request', (r) =>
          calls.push({ action: r.action, ...(r.code ? { code: r.code } : {}) }),
        );
        bench.startWorker();
        world.resetTimeline();
        const run = await bench.finished((await bench.submit({ dryRun: true })).id);

        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        expect(run.outcome).toMatch(/^Dry run/);
        for (const action of [
          'RunInstances',
          'ModifyInstanceAttribute',
          'AssociateAddress',
          'ReplaceRoute',
          'StopInstances',
        ]) {
          expect(
            calls.filter((c) => c.action === action).every((c) => c.code === 'DryRunOperation'),
            action,
          ).toBe(true);
          expect(
            calls.some((c) => c.action === action),
            action,
          ).toBe(true);
        }
        const copy = run.steps.find((s) => s.id === 'copy-config')!;
        expect(copy.detail).toMatch(/would apply \d+ set lines/);
        const notes = bench.observer.events
          .filter((e) => e.runId === run.id && e.type === 'note')
          .map((e) => e.text ?? '');
        expect(notes.some((n) => n.includes("local-address '<new-private-ip>'"))).toBe(true);
        expect(notes.join('\n')).not.toMatch(/secret '/);
        const after = hubState(world, oldId);
        expect(after.launched).toHaveLength(0);
        expect(after.old.state).toBe('running');
        expect(after.address.networkInterfaceId).toBe(oldEni);
        expect(routedTimeline(world).outages).toHaveLength(0);
      });
    },
  );

  it.concurrent(
    'a smaller --type for a scale-up is refused at planning, before anyone is asked to approve',
    async () => {
      await withBench(async (bench) => {
        bench.startWorker();
        const run = await bench.finished(
          (await bench.submit({ type: 't3.medium', approval: true })).id,
        );
        expect(run.status).toBe('failed');
        expect(run.outcome).toMatch(/Planning failed/);
        expect(run.outcome).toMatch(/smaller/);
        expect(run.outcome).toContain('/router scaledown hub-tokyo-a --type t3.medium');
        expect(
          bench.observer.events.some((e) => e.runId === run.id && e.type === 'awaiting-approval'),
        ).toBe(false);
        expect(hubState(bench.world, bench.world.router(HUB).instanceId).launched).toHaveLength(0);
      });
    },
  );

  it.concurrent(
    'no AMI tagged VyattaBase in the region: refused at ' +
      'planning with how to provide one, nothing launched',
    async () => {
      await withBench(async (bench) => {
        for (const image of bench.world.state.images.values()) delete image.tags['Role'];
        bench.startWorker();
        const run = await bench.finished((await bench.submit({ approval: true })).id);
        expect(run.status).toBe('failed');
        expect(run.outcome).toContain('there is no AMI tagged Role=VyattaBase in ap-northeast-1');
        expect(run.outcome).toContain('tag it Role=VyattaBase');
        expect(
          bench.observer.events.some((e) => e.runId === run.id && e.type === 'awaiting-approval'),
        ).toBe(false);
        expect(hubState(bench.world, bench.world.router(HUB).instanceId).launched).toHaveLength(0);
      });
    },
  );

  it.concurrent(
    'scale-down replaces the hub with the next smaller type on its ladder',
    async () => {
      await withBench(async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        bench.startWorker();
        const run = await bench.finished((await bench.submit({ kind: 'scaledown' })).id);
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        expect(run.plan?.[0]).toMatch(/^Scale down hub-tokyo-a .*c5\.large → t3\.medium$/);
        const after = hubState(world, oldId);
        expect(after.launched).toHaveLength(1);
        expect(after.launched[0]!.type).toBe('t3.medium');
        expect(after.address.networkInterfaceId).toBe(after.launched[0]!.networkInterfaceId);
        expect(['stopping', 'stopped']).toContain(after.old.state);
      });
    },
  );
});
