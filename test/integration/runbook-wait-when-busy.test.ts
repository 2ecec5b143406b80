import { afterEach, describe, expect, it } from 'vitest';
import type { Runbook, Step } from '../../src/runbook/types.js';
import { waitDelayMs } from '../../src/runbook/wait-for-target.js';
import {
  createWorld,
  RecordingObserver,
  submitInput,
  toyRunbook,
  waitForStatus,
  type ToyDeps,
  type World,
} from './runbook-harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

/** A step that records how many runs are inside the router at once, and the highest count seen. */
function criticalSection(): Step<ToyDeps> {
  return {
    id: 'touch-router',
    title: 'touch the router',
    phase: 'execute',
    async run(ctx) {
      const { redis, prefix } = ctx.deps;
      const inside = await redis.incr(`${prefix}:inside`);
      await redis.eval(
        "local m = tonumber(redis.call('GET', KEYS[1]) or '0'); if " +
          "tonumber(ARGV[1]) > m then redis.call('SET', KEYS[1], ARGV[1]) end",
        1,
        `${prefix}:max-inside`,
        inside,
      );
      // Give a second run every chance to interleave if the lease let it in.
      await new Promise((r) => setTimeout(r, 20));
      await redis.rpush(`${prefix}:order`, ctx.run.id);
      await redis.decr(`${prefix}:inside`);
      return { detail: 'touched' };
    },
  };
}

function waitingRunbook(): Runbook<ToyDeps> {
  return { ...toyRunbook([]), steps: [criticalSection()], whenBusy: 'wait' };
}

describe("runbooks with whenBusy: 'wait'", () => {
  it(
    'are accepted while the target is held, wait for it, ' +
      'then run (one note in the thread, not one per retry)',
    async () => {
      world = createWorld();
      let reached!: () => void;
      const atHang = new Promise<void>((r) => (reached = r));
      let release!: () => void;
      const hang = {
        stepId: 'a',
        when: 'before-action' as const,
        reached,
        release: new Promise<void>((r) => (release = r)),
      };
      const observer = new RecordingObserver();
      // One runbook that waits; the first run holds the target while it hangs in step a.
      const engine = world.engine(
        { ...toyRunbook([{ id: 'a' }]), whenBusy: 'wait' },
        { deps: { hang }, observers: [observer] },
      );
      world.startWorker(engine);
      const first = await engine.submit(submitInput({ requester: 'U1' }));
      await atHang;

      // Accepted, not refused with "busy", although the target is visibly held.
      const second = await engine.submit(submitInput({ requester: 'U2' }));
      await waitForStatus(engine, second.id, ['running']);
      await new Promise((r) => setTimeout(r, 300));
      const meanwhile = await engine.get(second.id);
      expect(meanwhile?.status).toBe('running');
      expect(meanwhile?.steps[0]?.status).toBe('pending');

      release();
      await waitForStatus(engine, first.id, ['succeeded']);
      const done = await waitForStatus(engine, second.id, ['succeeded']);
      expect(done.steps[0]?.status).toBe('done');
      const notes = observer.events.filter(
        (e) =>
          e.runId === second.id &&
          e.type === 'note' &&
          e.text?.startsWith('waiting for hub-tokyo-a'),
      );
      expect(notes).toHaveLength(1);
      expect(notes[0]?.text).toContain(`${first.id} (scaleup by <@U1>)`);
      // The waiting used no attempt: the job did not fail once.
      const failed = await world.queue.queue.getFailedCount();
      expect(failed).toBe(0);
    },
  );

  it('twelve runs on one target all complete, one at a time', async () => {
    world = createWorld();
    const engine = world.engine(waitingRunbook());
    world.startWorker(engine);
    world.startWorker(engine);
    const runs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => engine.submit(submitInput({ requester: `U${i}` }))),
    );
    for (const run of runs) await waitForStatus(engine, run.id, ['succeeded']);
    expect(await world.redis.get(`${world.prefix}:max-inside`)).toBe('1');
    expect(new Set(await world.redis.lrange(`${world.prefix}:order`, 0, -1)).size).toBe(12);
  });

  it('still refuses at submit for runbooks that do not wait', async () => {
    world = createWorld();
    let reached!: () => void;
    const atHang = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const hang = {
      stepId: 'a',
      when: 'before-action' as const,
      reached,
      release: new Promise<void>((r) => (release = r)),
    };
    const engine = world.engine(toyRunbook([{ id: 'a' }]), { deps: { hang } });
    world.startWorker(engine);
    const first = await engine.submit(submitInput());
    await atHang;
    await expect(engine.submit(submitInput({ requester: 'U2' }))).rejects.toThrow(/is busy/);
    release();
    await waitForStatus(engine, first.id, ['succeeded']);
  });

  it('spreads retries around the base delay', () => {
    expect(waitDelayMs(200, () => 0)).toBe(100);
    expect(waitDelayMs(200, () => 0.999)).toBe(300);
    expect(waitDelayMs(1, () => 0)).toBe(10);
  });
});
