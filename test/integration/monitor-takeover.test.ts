import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITOR_REQUESTER, runMonitorRound } from '../../jobs/monitor.js';
import { createThreadStore } from '../../src/slack/reporter/thread-store.js';
import { sleep } from '../../src/util/wait-for.js';
import { testRedis } from '../helpers/redis.js';
import { routedTimeline } from '../helpers/routed-paths.js';
import { waitUntil } from '../helpers/wait-for.js';
import {
  startTakeoverScene,
  TAKEOVER_CHANNEL,
  TAKEOVER_PRIMARY,
  type TakeoverOutcome,
  type TakeoverScene,
} from '../helpers/cutover-takeover-scene.js';

/**
 * Issue 13, reliability: the monitor fails a powered-off primary over (policy auto), the
 * `flatnet worker` child process that took the run is killed with SIGKILL as EC2 answers its
 * AssociateAddress, and a second worker finishes it exactly once. Outcomes only.
 */
describe('a worker killed in the middle of a failover the monitor asked for', () => {
  let scene: TakeoverScene;
  let outcome: TakeoverOutcome;

  beforeAll(async () => {
    scene = await startTakeoverScene({ monitor: { failuresToAct: 2 } });
    outcome = await scene.failOverKillingTheWorker('monitor');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('the run was the monitor’s, and the child died by SIGKILL right after the move', () => {
    expect(outcome.run.requester).toBe(MONITOR_REQUESTER);
    expect(outcome.run.approval).toBeUndefined();
    expect(outcome.childSignal).toBe('SIGKILL');
    expect(outcome.routesMovedBeforeKill).toBe(0);
  });

  it('the second worker finished it once: one Elastic IP move, routes on the standby', async () => {
    expect(outcome.run.error).toBeUndefined();
    expect(outcome.run.status).toBe('succeeded');
    expect(outcome.run.steps.every((s) => s.status === 'done')).toBe(true);
    expect(outcome.associations).toBe(1);
    const onStandby = [...scene.world.state.routeTables.values()].flatMap((t) =>
      t.routes.filter((r) => r.networkInterfaceId === outcome.standbyEni),
    );
    expect(onStandby).toHaveLength(outcome.hubRoutes);
    const engine = scene.bot.runtime.engine;
    const failovers = await engine.store.list({ target: TAKEOVER_PRIMARY, limit: 20 });
    expect(failovers.filter((r) => r.kind === 'failover').map((r) => r.id)).toEqual([
      outcome.run.id,
    ]);
    await waitUntil('every routed path to forward', () =>
      routedTimeline(scene.world).paths.every((p) => p.forwarded),
    );
  });

  it('the run’s thread is complete, and the next round records the incident verified', async () => {
    const { run } = outcome;
    const events = await scene.bot.runtime.engine.store.readEvents(run.id);
    expect(events.filter((e) => e.event.type === 'finished')).toHaveLength(1);
    const redis = testRedis();
    try {
      const threads = createThreadStore(redis, scene.prefix, sleep);
      const store = scene.slack.store;
      const checklist = await waitUntil('the checklist to show every step done', async () => {
        const ts = (await threads.load(run.id)).checklist;
        const message = ts ? store.message(TAKEOVER_CHANNEL, ts) : undefined;
        const text = JSON.stringify(message?.blocks ?? []);
        return /(\d+)\/\1 steps done/.test(text) ? text : undefined;
      });
      expect(checklist).not.toContain(':white_circle:');
      const { root, summary } = await threads.load(run.id);
      expect(store.replies(TAKEOVER_CHANNEL, root!).map((m) => m.ts)).toContain(summary);
    } finally {
      redis.disconnect();
    }

    const monitor = scene.bot.runtime.monitor;
    const after = await runMonitorRound(monitor.deps, 'after-takeover');
    expect(after).toMatchObject({ ran: true, failovers: [] });
    const incident = (await monitor.store.watches())[TAKEOVER_PRIMARY]!.incident!;
    expect([incident.failover, incident.runId]).toEqual(['done', run.id]);
    expect(incident.timeline.map((e) => e.what)).toEqual([
      'detected',
      'decided',
      'acted',
      'verified',
    ]);
  });
});
