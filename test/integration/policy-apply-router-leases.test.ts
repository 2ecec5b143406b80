import { afterEach, describe, expect, it } from 'vitest';
import { createPolicyApplyRunbook } from '../../jobs/policy-apply.js';
import { POLICY_APPLY_STEPS } from '../../src/policy/policy-steps.js';
import { TargetLock } from '../../src/runbook/target-lock.js';
import type { Runbook } from '../../src/runbook/types.js';
import {
  createWorld,
  RecordingObserver,
  submitInput,
  waitForStatus,
  type ToyDeps,
  type World,
} from './runbook-harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const line = { op: 'set', path: ['firewall', 'zone', 'FLATNET-VPN', 'interface'], value: 'vti1' };

/**
 * The policy apply's own locking (its lockTarget and alsoLocks, from jobs/policy-apply.ts) on
 * a run whose plan changes spoke-oregon and hub-tokyo-a and leaves spoke-virginia as it is;
 * its commit step records who holds each router's lease while it commits.
 */
function policyApplyShaped(): Runbook<ToyDeps> {
  const real = createPolicyApplyRunbook();
  return {
    kind: real.kind,
    ...(real.lockTarget ? { lockTarget: real.lockTarget } : {}),
    ...(real.alsoLocks ? { alsoLocks: real.alsoLocks } : {}),
    steps: [
      {
        id: POLICY_APPLY_STEPS.plan.id,
        title: 'plan',
        phase: 'plan',
        run: () =>
          Promise.resolve({
            result: {
              rules: 1,
              routers: [
                { router: 'spoke-oregon', changes: [line], before: [] },
                { router: 'hub-tokyo-a', changes: [line], before: [] },
                { router: 'spoke-virginia', changes: [], before: [] },
              ],
            },
          }),
      },
      {
        id: 'commit',
        title: 'commit on every router',
        phase: 'execute',
        async run(ctx) {
          const { redis, prefix } = ctx.deps;
          const locks = new TargetLock(redis, prefix);
          for (const router of ['spoke-oregon', 'hub-tokyo-a', 'spoke-virginia']) {
            const holder = await locks.whoHolds(router);
            await redis.hset(`${prefix}:held-by`, router, holder?.runId ?? 'nobody');
          }
          return { detail: 'committed' };
        },
      },
    ],
  };
}

describe('policy apply holds the lease of every router it commits to', () => {
  it('waits while a run holds one of them, then runs holding them all, frees them', async () => {
    world = createWorld();
    const { redis, prefix } = world;
    const locks = new TargetLock(redis, prefix);
    // A failover on spoke-oregon is under way: it holds the router's lease.
    const failover = { runId: 'r-failover', kind: 'failover', requester: 'U9', since: 1 };
    expect(await locks.acquire('spoke-oregon', failover, 60_000)).toEqual({ ok: true });

    const observer = new RecordingObserver();
    const engine = world.engine(policyApplyShaped(), { observers: [observer] });
    world.startWorker(engine);
    const apply = await engine.submit(submitInput({ kind: 'policy-apply', target: 'fleet' }));

    // It waits: not failed, nothing committed, hub-tokyo-a not held while it waits (all or
    // none), and the thread says once whom it waits for.
    await waitForStatus(engine, apply.id, ['running']);
    const note = `waiting for spoke-oregon: r-failover (failover by <@U9>) holds it`;
    const noted = async () =>
      observer.events.some((e) => e.runId === apply.id && e.text?.startsWith(note));
    for (let i = 0; i < 100 && !(await noted()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await noted()).toBe(true);
    const meanwhile = await engine.get(apply.id);
    expect(meanwhile?.status).toBe('running');
    expect(meanwhile?.steps[1]?.status).toBe('pending');
    expect(await locks.whoHolds('hub-tokyo-a')).toBeUndefined();
    expect((await locks.whoHolds('traffic-policy'))?.runId).toBe(apply.id);

    // The failover ends (its final save frees its lease): the apply runs.
    await redis.del(locks.key('spoke-oregon'));
    const done = await waitForStatus(engine, apply.id, ['succeeded']);
    expect(done.steps[1]?.status).toBe('done');
    // While it committed it held every router it changed, and not the one it left alone.
    expect(await redis.hgetall(`${prefix}:held-by`)).toEqual({
      'spoke-oregon': apply.id,
      'hub-tokyo-a': apply.id,
      'spoke-virginia': 'nobody',
    });
    // Its final save freed them all.
    for (const target of ['spoke-oregon', 'hub-tokyo-a', 'traffic-policy'])
      expect(await locks.whoHolds(target)).toBeUndefined();
    expect(await world.queue.queue.getFailedCount()).toBe(0);
  });

  it('keeps a failover off a router while the apply holds it', async () => {
    world = createWorld();
    const locks = new TargetLock(world.redis, world.prefix);
    const apply = { runId: 'r-apply', kind: 'policy-apply', requester: 'U1', since: 1 };
    expect(await locks.acquireAll(['hub-tokyo-a', 'spoke-oregon'], apply, 60_000)).toEqual({
      ok: true,
    });
    const failover = { runId: 'r-failover', kind: 'failover', requester: 'U9', since: 2 };
    const refused = await locks.acquire('spoke-oregon', failover, 60_000);
    expect(refused).toEqual({ ok: false, holder: apply });
    // The same run takes them again (a resumed worker); another run gets none of them.
    expect(await locks.acquireAll(['hub-tokyo-a', 'spoke-oregon'], apply, 60_000)).toEqual({
      ok: true,
    });
    await world.redis.del(locks.key('hub-tokyo-a'));
    const other = { ...failover, runId: 'r-other' };
    expect(await locks.acquireAll(['hub-tokyo-a', 'spoke-oregon'], other, 60_000)).toEqual({
      ok: false,
      target: 'spoke-oregon',
      holder: apply,
    });
    expect(await locks.whoHolds('hub-tokyo-a')).toBeUndefined();
  });
});
