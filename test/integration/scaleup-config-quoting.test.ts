/**
 * Issue 10 §2: values that need quoting survive a scale-up byte for byte, and a configuration
 * that could not be typed into the new router is refused at planning, with no instance launched.
 */
import { describe, expect, it } from 'vitest';
import { HUB, hubState, startScaleBench, type ScaleBench } from './scaleup-harness.js';

async function withBench(body: (bench: ScaleBench) => Promise<void>): Promise<void> {
  const bench = await startScaleBench();
  try {
    await body(bench);
  } finally {
    await bench.cleanup();
  }
}

/** An operator's own edit on the hub, straight into its running configuration. */
function editHub(bench: ScaleBench, path: string[], value: string): void {
  const router = bench.world.router(HUB).handle.router;
  expect(router.active.set([...path, value]).failed).toBe(false);
}

const DESCRIPTION = ['interfaces', 'ethernet', 'eth0', 'description'];
const WG_DESCRIPTION = ['interfaces', 'wireguard', 'wg0', 'description'];

describe('scale-up copies every value as VyOS holds it', () => {
  it.concurrent(
    'a description with ( ) & ! and quotes scales up fine and arrives byte for byte',
    async () => {
      await withBench(async (bench) => {
        const { world } = bench;
        const oldId = world.router(HUB).instanceId;
        const outside = 'outside (EIP) & NAT!';
        const laptops = `Bob's "lab" laptops; $(not run) \`nor this\` C:\\tmp`;
        editHub(bench, DESCRIPTION, outside);
        editHub(bench, WG_DESCRIPTION, laptops);
        bench.startWorker();
        const run = await bench.finished((await bench.submit({ approval: false })).id);
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        const fresh = hubState(world, oldId).launched[0]!;
        const copied = world.router(fresh.instanceId).handle.router.active;
        expect(copied.value(DESCRIPTION.join(' '))).toBe(outside);
        expect(copied.value(WG_DESCRIPTION.join(' '))).toBe(laptops);
      });
    },
  );

  it.concurrent.each([false, true])(
    'a value that cannot be typed back is refused at planning (dry run: %s), nothing launched',
    async (dryRun) => {
      await withBench(async (bench) => {
        const { world } = bench;
        editHub(bench, DESCRIPTION, 'uplink\tto the VPC');
        editHub(bench, WG_DESCRIPTION, 'laptops?');
        const calls: string[] = [];
        world.state.on('request', (r) => calls.push(r.action));
        bench.startWorker();
        const run = await bench.finished((await bench.submit({ dryRun, approval: true })).id);
        expect(run.status).toBe('failed');
        expect(run.outcome).toMatch(/Planning failed/);
        const said = run.outcome ?? '';
        expect(said).toContain(
          "`set interfaces ethernet eth0 description 'uplink\\tto the VPC'`: it holds a control",
        );
        expect(said).toContain("`set interfaces wireguard wg0 description 'laptops?'`");
        expect(said).toMatch(/nothing was launched/);
        expect(said).toMatch(/on hub-tokyo-a, change those values/);
        expect(
          bench.observer.events.some((e) => e.runId === run.id && e.type === 'awaiting-approval'),
        ).toBe(false);
        expect(calls).not.toContain('RunInstances');
        expect(hubState(world, world.router(HUB).instanceId).launched).toHaveLength(0);
      });
    },
  );
});
