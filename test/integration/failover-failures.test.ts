import { describe, expect, it } from 'vitest';
import { waitFor } from './runbook-harness.js';
import {
  establishedSas,
  everyVpcForwarded,
  pairState,
  PRIMARY,
  sasEstablishedAgain,
  STANDBY,
  startFailoverBench,
  type FailoverBench,
} from './failover-harness.js';

async function withBench(
  options: Parameters<typeof startFailoverBench>[0],
  body: (bench: FailoverBench) => Promise<void>,
): Promise<void> {
  const bench = await startFailoverBench(options);
  try {
    await body(bench);
  } finally {
    await bench.cleanup();
  }
}

describe('failover failures leave the network forwarding', () => {
  it.concurrent(
    'a standby whose tunnels never come up: the Elastic IP goes back, the primary forwards again',
    async () => {
      await withBench({ tunnelTimeoutMs: 1000 }, async (bench) => {
        const { world } = bench;
        const before = pairState(world);
        const sasBefore = await establishedSas(bench);
        const primaryEni = before.primary.networkInterfaceId;
        const hubRoutes = before.routesTo(primaryEni);
        // The standby's side of one spoke will never come up.
        world.setTunnelForced(STANDBY, 'spoke-oregon', 'down');
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.status).toBe('rolled-back');
        const tunnels = run.steps.find((s) => s.id === 'bring-tunnels-up')!;
        expect(tunnels.status).toBe('failed');
        expect(tunnels.error).toContain(`${STANDBY} brought`);
        expect(tunnels.error).toContain('still down: SA spoke-oregon-vti');
        expect(tunnels.error).toContain(`flatnet moves the Elastic IP back to ${PRIMARY}`);
        expect(run.steps.find((s) => s.id === 'move-elastic-ip')?.status).toBe('undone');
        // The routes moved with the re-keying, right after the Elastic IP: they go back too.
        expect(run.steps.find((s) => s.id === 'repoint-routes')?.status).toBe('undone');
        const after = pairState(world);
        expect(after.eipHolder).toBe(primaryEni);
        expect(after.routesTo(primaryEni)).toHaveLength(hubRoutes.length);
        expect(after.standby.state).toBe('running');
        await everyVpcForwarded(world);
        await sasEstablishedAgain(bench, sasBefore);
      });
    },
  );

  it.concurrent.each([
    ['powered off (EC2 says running, no SSH)', 'power', 'running'],
    ['stopped', 'instance', 'stopped'],
  ] as const)(
    'a dead primary, %s, is failed over: the standby brings up every tunnel it has',
    async (_how, how, state) => {
      await withBench({}, async (bench) => {
        const { world } = bench;
        const before = pairState(world);
        world.setRouterDown(PRIMARY, true, how);
        await waitFor(`${PRIMARY} to be ${state}`, () =>
          Promise.resolve(pairState(world).primary.state === state),
        );
        bench.startWorker();
        const run = await bench.finished((await bench.submit()).id);

        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        expect(run.plan?.join('\n')).toMatch(
          new RegExp(
            `${PRIMARY} \\(${state}\\) could not be read ` +
              `.*${STANDBY} must bring up every tunnel it has`,
          ),
        );
        expect(run.plan?.join('\n')).toContain('(everything it has configured)');
        const after = pairState(world);
        expect(after.eipHolder).toBe(before.standby.networkInterfaceId);
        expect(after.routesTo(before.primary.networkInterfaceId)).toHaveLength(0);
        await everyVpcForwarded(world);
      });
    },
  );

  it.concurrent(
    'two runs on one pair: a failback while the failover runs is refused with the holder named',
    async () => {
      let release!: () => void;
      let reached!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const holding = new Promise<void>((resolve) => (reached = resolve));
      // The failover pauses right after moving the Elastic IP, holding the pair's lease.
      const afterStep = async (stepId: string) => {
        if (stepId !== 'move-elastic-ip') return;
        reached();
        await released;
      };
      await withBench({ afterStep }, async (bench) => {
        try {
          bench.startWorker();
          const first = await bench.submit();
          await holding;
          expect((await bench.engine.whoHolds(PRIMARY))?.runId).toBe(first.id);
          const second = await bench.submit({ kind: 'failback' }).catch((err: unknown) => err);
          expect(second).toBeInstanceOf(Error);
          expect((second as Error).message).toContain(`${PRIMARY} is busy: ${first.id}`);
          release();
          expect((await bench.finished(first.id)).status).toBe('succeeded');
        } finally {
          release();
        }
      });
    },
  );
});
