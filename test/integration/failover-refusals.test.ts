import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/runbook/types.js';
import { waitFor } from './runbook-harness.js';
import {
  leaseFreed,
  pairState,
  PRIMARY,
  STANDBY,
  startFailoverBench,
  type FailoverBench,
} from './failover-harness.js';

/**
 * Refusals happen in the plan step, before anyone is asked to approve, and change nothing:
 * the run fails with "Planning failed", no approval prompt, no AWS call that moves anything.
 */
async function refused(
  prepare: (bench: FailoverBench) => Promise<void>,
  submit: Parameters<FailoverBench['submit']>[0] = {},
): Promise<{
  run: Run;
  moves: string[];
  eipBefore: string | undefined;
  eipAfter: string | undefined;
  bench: FailoverBench;
}> {
  const bench = await startFailoverBench();
  try {
    const moves: string[] = [];
    bench.world.state.on('request', (r) => {
      if (
        ['AssociateAddress', 'ReplaceRoute', 'StopInstances', 'TerminateInstances'].includes(
          r.action,
        )
      )
        moves.push(r.action);
    });
    await prepare(bench);
    const eipBefore = pairState(bench.world).eipHolder;
    bench.startWorker();
    const run = await bench.finished((await bench.submit({ approval: true, ...submit })).id);
    expect(run.status).toBe('failed');
    expect(run.outcome).toMatch(/^Planning failed at "Health-check the (standby|primary)/);
    expect(
      bench.scale.observer.events.some((e) => e.runId === run.id && e.type === 'awaiting-approval'),
    ).toBe(false);
    return { run, moves, eipBefore, eipAfter: pairState(bench.world).eipHolder, bench };
  } finally {
    await bench.cleanup();
  }
}

describe('failover refusals', () => {
  it.concurrent('a router without a standby', async () => {
    const { run, moves } = await refused(() => Promise.resolve(), { target: 'spoke-oregon' });
    expect(run.outcome).toContain('spoke-oregon has no standby router');
    expect(run.outcome).toContain('add routers.spoke-oregon.standby:');
    expect(moves).toEqual([]);
  });

  it.concurrent('a standby named as the target', async () => {
    const { run, moves } = await refused(() => Promise.resolve(), { target: STANDBY });
    expect(run.outcome).toContain(`${STANDBY} is a standby router`);
    expect(run.outcome).toContain(`use /router failover ${PRIMARY}`);
    expect(moves).toEqual([]);
  });

  it.concurrent('a stopped standby', async () => {
    const { run, moves } = await refused(async (bench) => {
      bench.world.setRouterDown(STANDBY, true, 'instance');
      await waitFor('the standby to stop', () =>
        Promise.resolve(['stopping', 'stopped'].includes(pairState(bench.world).standby.state)),
      );
    });
    expect(run.outcome).toMatch(
      new RegExp(`${STANDBY} \\(i-[0-9a-f]+\\) is (stopping|stopped), not running`),
    );
    expect(run.outcome).toContain('aws ec2 start-instances');
    expect(moves).toEqual([]);
  });

  it.concurrent('a standby with source/dest check on', async () => {
    const { run, moves } = await refused((bench) => {
      pairState(bench.world).standby.sourceDestCheck = true;
      return Promise.resolve();
    });
    expect(run.outcome).toContain(`source/dest check is on for ${STANDBY}`);
    expect(run.outcome).toContain('--no-source-dest-check');
    expect(moves).toEqual([]);
  });

  it.concurrent('a standby that does not answer SSH', async () => {
    const { run, moves } = await refused((bench) => {
      bench.world.setRouterDown(STANDBY, true, 'power');
      return Promise.resolve();
    });
    expect(run.outcome).toContain(`${STANDBY} does not answer over SSH`);
    expect(run.outcome).toContain(`routers.${STANDBY}.ssh`);
    expect(moves).toEqual([]);
  });

  it.concurrent('a standby missing a peer the primary has: the refusal names it', async () => {
    const { run, moves, eipBefore, eipAfter } = await refused(async (bench) => {
      await bench.deps.routers
        .router(STANDBY)
        .applyConfig(
          [{ op: 'delete', path: ['vpn', 'ipsec', 'site-to-site', 'peer', 'spoke-oregon'] }],
          { save: true },
        );
    });
    expect(run.outcome).toContain(
      `${STANDBY} lacks the site-to-site peer spoke-oregon that ${PRIMARY} has`,
    );
    expect(run.outcome).toContain('would drop those tunnels');
    expect(moves).toEqual([]);
    expect(eipAfter).toBe(eipBefore);
  });

  it.concurrent(
    'a failover when the standby already carries everything: nothing to do, and how to go back',
    async () => {
      const { run, moves } = await refused(async (bench) => {
        // Fail over without approval first.
        bench.startWorker();
        const first = await bench.finished((await bench.submit()).id);
        expect(first.status).toBe('succeeded');
        await leaseFreed(bench.engine);
      });
      expect(run.outcome).toContain(
        `${STANDBY} already holds 203.0.113.10 and no route points at ${PRIMARY}`,
      );
      expect(run.outcome).toContain(`/router failback ${PRIMARY}`);
      // Only the first failover's moves.
      expect(moves.filter((m) => m === 'AssociateAddress')).toHaveLength(1);
    },
  );
});
