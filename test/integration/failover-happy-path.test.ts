import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './runbook-harness.js';
import {
  everyVpcForwarded,
  leaseFreed,
  pairState,
  PRIMARY,
  STANDBY,
  startFailoverBench,
  type FailoverBench,
} from './failover-harness.js';
import {
  establishedConnections,
  expectOutageOnlyAfterEipMove,
  expectSasEstablished,
} from './cutover-checks.js';
import { routedTimeline } from '../helpers/routed-paths.js';

describe('failover and failback in the simulated world', () => {
  let bench: FailoverBench;
  beforeEach(async () => {
    bench = await startFailoverBench();
  });
  afterEach(async () => {
    await bench.cleanup();
  });

  it(
    'fails over to the standby with approval, then fails back: Elastic ' +
      'IP, routes and tunnels follow; the outage starts at the move and ends',
    async () => {
      const { world } = bench;
      const before = pairState(world);
      const primaryEni = before.primary.networkInterfaceId;
      const standbyEni = before.standby.networkInterfaceId;
      const hubRoutes = before.routesTo(primaryEni);
      expect(hubRoutes.length).toBeGreaterThan(0);
      expect(before.eipHolder).toBe(primaryEni);
      const sasBefore = await establishedConnections(bench.deps.routers.router(PRIMARY));

      const calls: string[] = [];
      world.state.on('request', (r) => calls.push(r.action));
      let eipMovedAt: number | undefined;
      // Before the world's own listener, which records the outage the move causes: read after
      // it, the clock would include the world's evaluation and the verdict would depend on load.
      world.state.prependListener('address-associated', () => (eipMovedAt ??= Date.now()));
      bench.startWorker();
      world.resetTimeline();

      // Failover, approved by a second person after reading the plan.
      const asked = await bench.submit({ approval: true });
      const planned = await waitFor('the plan', async () => {
        const run = await bench.engine.get(asked.id);
        return run && ['awaiting-approval', 'failed'].includes(run.status) ? run : undefined;
      });
      expect(planned.status).toBe('awaiting-approval');
      expect(planned.plan?.[0]).toBe(
        `Fail over ${PRIMARY} (${before.primary.instanceId}) to its standby ` +
          `${STANDBY} (${before.standby.instanceId}, c5.large), ap-northeast-1`,
      );
      expect(planned.plan?.join('\n')).toMatch(
        new RegExp(`${STANDBY} carries all its \\d+ peers and \\d+ BGP neighbours`),
      );
      expect(planned.plan?.join('\n')).toContain(`flatnet does not stop ${PRIMARY}.`);
      // The simulated standby mirrors the primary's WireGuard peers too: no warning.
      expect(planned.plan?.join('\n')).not.toContain('WireGuard');
      // Nothing moved before the approval.
      expect(calls).not.toContain('AssociateAddress');
      expect(calls).not.toContain('ReplaceRoute');
      expect((await bench.engine.decide(asked.id, 'U0BOB', 'approve')).ok).toBe(true);

      const over = await bench.finished(asked.id);
      expect(over.error).toBeUndefined();
      expect(over.status).toBe('succeeded');
      expect(over.steps.map((s) => s.id)).toEqual([
        'check-standby',
        'move-elastic-ip',
        'repoint-routes',
        'bring-tunnels-up',
        'verify',
      ]);
      const after = pairState(world);
      expect(after.eipHolder).toBe(standbyEni);
      expect(
        after
          .routesTo(standbyEni)
          .map((r) => `${r.table} ${r.destination}`)
          .sort(),
      ).toEqual(hubRoutes.map((r) => `${r.table} ${r.destination}`).sort());
      expect(after.routesTo(primaryEni)).toHaveLength(0);
      // The primary is left running: it is what a failback returns to.
      expect(after.primary.state).toBe('running');
      expect(calls).not.toContain('StopInstances');
      expect(calls).not.toContain('TerminateInstances');
      expect(over.outcome).toContain(
        `${STANDBY} (${before.standby.instanceId}, ${standbyEni}) ` +
          `now holds 203.0.113.10 and ${hubRoutes.length} routes`,
      );
      expect(over.outcome).toContain(`To go back: /router failback ${PRIMARY}.`);

      // The standby established every SA the primary had, as the standby itself reports.
      await expectSasEstablished(bench.deps.routers.router(STANDBY), sasBefore);

      // The outage began no earlier than the Elastic IP move, and it ended.
      expectOutageOnlyAfterEipMove(world, eipMovedAt);

      // Failback: the same toward the primary.
      await leaseFreed(bench.engine);
      const back = await bench.finished((await bench.submit({ kind: 'failback' })).id);
      expect(back.error).toBeUndefined();
      expect(back.status).toBe('succeeded');
      expect(back.steps[0]?.id).toBe('check-primary');
      expect(back.plan?.[0]).toMatch(
        new RegExp(`^Fail back from the standby ${STANDBY} .* to the primary ${PRIMARY} `),
      );
      const home = pairState(world);
      expect(home.eipHolder).toBe(primaryEni);
      expect(home.routesTo(primaryEni)).toHaveLength(hubRoutes.length);
      expect(home.routesTo(standbyEni)).toHaveLength(0);
      expect(home.standby.state).toBe('running');
      expect(back.outcome).toContain(`To go back: /router failover ${PRIMARY}.`);
      await expectSasEstablished(bench.deps.routers.router(PRIMARY), sasBefore);
      await everyVpcForwarded(world);
      for (const o of routedTimeline(world).outages) expect(o.to).toBeDefined();
    },
  );

  it(
    'a dry run health-checks the standby, proves AssociateAddress ' +
      'and ReplaceRoute with DryRun, and changes nothing',
    async () => {
      const { world } = bench;
      const before = pairState(world);
      const calls: { action: string; code?: string }[] = [];
      world.state.on('request', (r) =>
        calls.push({ action: r.action, ...(r.code ? { code: r.code } : {}) }),
      );
      bench.startWorker();
      world.resetTimeline();
      const run = await bench.finished((await bench.submit({ dryRun: true })).id);

      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.outcome).toMatch(
        /^Dry run: nothing was changed\. Dry run of failover hub-tokyo-a → hub-tokyo-b/,
      );
      for (const action of ['AssociateAddress', 'ReplaceRoute']) {
        expect(
          calls.some((c) => c.action === action),
          action,
        ).toBe(true);
        expect(
          calls.filter((c) => c.action === action).every((c) => c.code === 'DryRunOperation'),
          action,
        ).toBe(true);
      }
      const after = pairState(world);
      expect(after.eipHolder).toBe(before.primary.networkInterfaceId);
      expect(after.routesTo(before.standby.networkInterfaceId)).toHaveLength(0);
      expect(routedTimeline(world).outages).toHaveLength(0);
    },
  );
});
