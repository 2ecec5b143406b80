import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadStore } from '../../src/slack/reporter/thread-store.js';
import { sleep } from '../../src/util/wait-for.js';
import { testRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait-for.js';
import { routedTimeline } from '../helpers/routed-paths.js';
import {
  startTakeoverScene,
  TAKEOVER_CHANNEL,
  type TakeoverOutcome,
  type TakeoverScene,
} from '../helpers/cutover-takeover-scene.js';

/**
 * Issue 10 §6: a worker that dies mid-cutover. `flatnet worker` (a child process) takes a
 * failover and is killed with SIGKILL right after its Elastic IP move, before any route moves;
 * a second worker, idle until then, finishes the cutover. Outcomes only: how long the takeover
 * took is `npm run bench -- takeover` (cutover_takeover_ms).
 */
describe('a worker killed between the Elastic IP move and the route repoint', () => {
  let scene: TakeoverScene;
  let outcome: TakeoverOutcome;

  beforeAll(async () => {
    scene = await startTakeoverScene();
    outcome = await scene.failOverKillingTheWorker();
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('died by SIGKILL after the move and before any route moved', () => {
    expect(outcome.childSignal).toBe('SIGKILL');
    expect(outcome.routesMovedBeforeKill).toBe(0);
  });

  it(
    'the second worker finished the failover: the ' +
      'Elastic IP moved once, every route on the standby',
    () => {
      expect(outcome.run.error).toBeUndefined();
      expect(outcome.run.status).toBe('succeeded');
      expect(outcome.run.steps.map((s) => s.status).every((s) => s === 'done')).toBe(true);
      expect(outcome.associations).toBe(1);
      expect(outcome.hubRoutes).toBeGreaterThan(0);
      expect(outcome.repointedAt).toBeGreaterThan(outcome.killedAt);
      const onStandby = [...scene.world.state.routeTables.values()].flatMap((t) =>
        t.routes.filter((r) => r.networkInterfaceId === outcome.standbyEni),
      );
      expect(onStandby).toHaveLength(outcome.hubRoutes);
    },
  );

  it('the flat network forwards again, through the standby', async () => {
    await waitUntil('every routed path to forward', () =>
      routedTimeline(scene.world).paths.every((p) => p.forwarded),
    );
  });

  it('the run says where it was taken over, and its thread is complete', async () => {
    const { run } = outcome;
    const events = await scene.bot.runtime.engine.store.readEvents(run.id);
    const started = events.map((e) => e.event).filter((e) => e.type === 'started');
    expect(started.at(-1)?.text).toMatch(/^resuming at "/);
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
      expect(summary).toBeDefined();
      expect(store.replies(TAKEOVER_CHANNEL, root!).map((m) => m.ts)).toContain(summary);
    } finally {
      redis.disconnect();
    }
  });
});
