import { afterEach, describe, expect, it } from 'vitest';
import type { Run, RunEvent, Step } from '../../src/runbook/types.js';
import {
  createWorld,
  RecordingObserver,
  submitInput,
  toyRunbook,
  toyStep,
  waitFor,
  waitForStatus,
  type ToyDeps,
  type World,
} from './runbook-harness.js';

let world: World;
afterEach(async () => {
  await world.cleanup();
});

describe('runbook engine: a step fails', () => {
  it('undoes the completed steps in reverse and ends rolled-back', async () => {
    world = createWorld();
    const observer = new RecordingObserver();
    const engine = world.engine(
      toyRunbook([
        { id: 'facts', phase: 'plan' },
        { id: 'a' },
        { id: 'b' },
        { id: 'c' },
        { id: 'd' },
      ]),
      {
        deps: { failAt: 'd' },
        observers: [observer],
      },
    );
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);

    expect(run.status).toBe('rolled-back');
    expect(await world.undoOrder()).toEqual(['c', 'b', 'a']);
    expect(await world.counts()).toEqual({
      a: 1,
      b: 1,
      c: 1,
      'undo:a': 1,
      'undo:b': 1,
      'undo:c': 1,
    });
    expect(run.steps.map((s) => s.status)).toEqual([
      'done',
      'undone',
      'undone',
      'undone',
      'failed',
    ]);
    expect(run.steps[4]?.error).toBe('d broke on purpose');
    expect(run.outcome).toBe(
      'Step "toy d" failed: d broke on purpose. Undid "toy c", "toy b" and "toy a". ' +
        'Everything this run changed was undone; hub-tokyo-a is as it was before. ' +
        'Fix the cause, then ask again with `/router scaleup hub-tokyo-a --type c5.xlarge`.',
    );
    // The failed step is cleaned up first (it may have acted before failing), then the others in
    // reverse.
    expect(
      observer.events.map((e) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`).slice(-10),
    ).toEqual([
      'step-failed:d',
      'undo-started:d',
      'step-undone:d',
      'undo-started:c',
      'step-undone:c',
      'undo-started:b',
      'step-undone:b',
      'undo-started:a',
      'step-undone:a',
      'finished',
    ]);
    expect(await engine.whoHolds('hub-tokyo-a')).toBeUndefined();
  });

  it('undoes the failed step too, since it may have acted before failing', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), {
      deps: { failAfterActionAt: 'b' },
    });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);
    expect(run.status).toBe('rolled-back');
    expect(await world.undoOrder()).toEqual(['b', 'a']);
    expect(run.steps.map((s) => s.status)).toEqual(['undone', 'failed', 'pending']);
    expect(run.steps[1]?.undoneAfterFailure).toBe(true);
    expect(run.steps[1]?.error).toBe('b acted, then broke');
  });

  it('names what an undo kept on purpose instead of claiming everything was undone', async () => {
    world = createWorld();
    const keeper = toyStep({ id: 'cgw' });
    const keepingStep: Step<ToyDeps> = {
      ...keeper,
      async undo(ctx) {
        await keeper.undo?.(ctx);
        return { detail: 'kept cgw-1 in AWS', kept: 'customer gateway cgw-1 (a re-run reuses it)' };
      },
    };
    const runbook = toyRunbook([{ id: 'a' }, { id: 'b' }]);
    runbook.steps.unshift(keepingStep);
    const observer = new RecordingObserver();
    const engine = world.engine(runbook, { deps: { failAt: 'b' }, observers: [observer] });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);

    expect(run.status).toBe('rolled-back');
    expect(run.outcome).toBe(
      'Step "toy b" failed: b broke on purpose. Undid "toy a" and "toy cgw". Everything ' +
        'this run changed was undone; kept: customer gateway cgw-1 (a re-run reuses it). ' +
        'Fix the cause, then ask again with `/router scaleup hub-tokyo-a --type c5.xlarge`.',
    );
    // The undo's detail replaces the step's checklist line and is the thread's "undid" text.
    expect(run.steps[0]).toMatchObject({
      status: 'undone',
      detail: 'kept cgw-1 in AWS',
      kept: 'customer gateway cgw-1 (a re-run reuses it)',
    });
    expect(observer.events.find((e) => e.type === 'step-undone' && e.stepId === 'cgw')?.text).toBe(
      'kept cgw-1 in AWS',
    );
  });

  it('a stopped undo walk also names what was kept on purpose', async () => {
    world = createWorld();
    const keeper = toyStep({ id: 'launch' });
    const runbook = toyRunbook([
      { id: 'move-eip', onLaterFailure: 'stop' },
      { id: 'launch' },
      { id: 'verify' },
    ]);
    runbook.steps[1] = {
      ...keeper,
      undo: async (ctx) => ({
        ...(await keeper.undo?.(ctx)),
        kept: 'instance i-1 stopped, not terminated',
      }),
    };
    const engine = world.engine(runbook, { deps: { failAt: 'verify' } });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);
    expect(run.status).toBe('failed');
    expect(run.outcome).toContain(
      'Still in effect: "toy move-eip". Kept on purpose: ' +
        'instance i-1 stopped, not terminated. To continue:',
    );
  });

  it("stops undoing at a step marked 'stop' and says what remains in effect", async () => {
    world = createWorld();
    const engine = world.engine(
      toyRunbook([
        { id: 'launch' },
        { id: 'move-eip', onLaterFailure: 'stop' },
        { id: 'bring-up' },
        { id: 'verify' },
      ]),
      {
        deps: { failAt: 'verify' },
      },
    );
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);

    expect(run.status).toBe('failed');
    expect(await world.undoOrder()).toEqual(['bring-up']);
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'undone', 'failed']);
    expect(run.outcome).toBe(
      'Step "toy verify" failed: verify broke on purpose. Undid ' +
        '"toy bring-up". Stopped before undoing "toy move-eip": ' +
        'its runbook says undoing it is riskier than leaving it. ' +
        ('Still in effect: "toy launch" and "toy move-eip". To continue: check hub-tokyo-a ' +
          'against the steps above, then finish or reverse them by hand, or with a new run.'),
    );
  });

  it('an undo that fails stops the walk and is reported', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), {
      deps: { failAt: 'c', undoFailAt: 'b' },
    });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);
    expect(run.status).toBe('failed');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'undo-failed', 'failed']);
    expect(run.outcome).toContain(
      'Undoing "toy b" failed (undo of b broke on purpose), so ' +
        'flatnet stopped undoing. Still in effect: "toy a" and "toy b".',
    );
    const types = (await engine.store.readEvents(id)).map((e) => e.event.type);
    expect(types).toContain('undo-failed');
    expect(await world.counts()).toEqual({ a: 1, b: 1 });
  });

  it('refuses to store a step result that carries a secret, and undoes', async () => {
    world = createWorld();
    const runbook = toyRunbook([{ id: 'a' }, { id: 'b' }]);
    const leaky = runbook.steps[1]!;
    leaky.run = async () => ({ result: { peer: { name: 'alice', privateKey: 'c2VjcmV0' } } });
    const engine = world.engine(runbook);
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['rolled-back', 'failed', 'succeeded']);
    expect(run.status).toBe('rolled-back');
    expect(run.steps[1]?.error).toContain('result.peer.privateKey that looks like a secret');
    const raw = await world.redis.hget(`${world.prefix}:run:${id}`, 'doc');
    expect(raw).not.toContain('c2VjcmV0');
  });
});

describe('runbook engine: one run per target', () => {
  it.each([
    ['succeeds', {}],
    ['is rolled back', { failAt: 'b' }],
  ] as const)(
    'frees the router before it announces that a run %s, so a follow-up is never told "busy"',
    async (_what, deps) => {
      world = createWorld();
      const holderAtFinish: Array<string | undefined> = [];
      // The observer is made before the engine it asks: reach the engine through this box.
      const box: { engine?: ReturnType<World['engine']> } = {};
      const probe = {
        async onEvent(run: { target: string }, event: { type: string }) {
          if (event.type === 'finished')
            holderAtFinish.push((await box.engine!.whoHolds(run.target))?.runId);
        },
      };
      const engine = world.engine(toyRunbook([{ id: 'a' }, { id: 'b' }]), {
        deps,
        observers: [probe],
      });
      box.engine = engine;
      world.startWorker(engine);
      const { id } = await engine.submit(submitInput());
      await waitForStatus(engine, id, ['succeeded', 'rolled-back']);
      // Free as soon as the record says it is over…
      expect(await engine.whoHolds('hub-tokyo-a')).toBeUndefined();
      // …and when the thread hears it.
      await waitFor('the finished event', async () => holderAtFinish.length > 0, 10_000);
      expect(holderAtFinish).toEqual([undefined]);
    },
  );

  it('a second run on a busy target is told who holds it, at submit and at start', async () => {
    world = createWorld();
    let release!: () => void;
    let reached!: () => void;
    const hung = new Promise<void>((resolve) => (reached = resolve));
    const engine = world.engine(toyRunbook([{ id: 'launch' }, { id: 'repoint' }]), {
      deps: {
        hang: {
          stepId: 'launch',
          when: 'after-action',
          reached,
          release: new Promise((resolve) => (release = resolve)),
        },
      },
    });
    world.startWorker(engine);
    const first = await engine.submit(submitInput({ requester: 'U1' }));
    await hung;

    const holder = await engine.whoHolds('hub-tokyo-a');
    expect(holder).toMatchObject({ runId: first.id, kind: 'scaleup', requester: 'U1' });
    await expect(engine.submit(submitInput({ requester: 'U2' }))).rejects.toThrow(
      new RegExp(
        `^hub-tokyo-a is busy: ${first.id} \\(scaleup by <@U1>, ` +
          'since \\d\\d:\\d\\d UTC\\) — try again when it finishes$',
      ),
    );

    // A run submitted while the target was free, whose lease is taken by another run before
    // it starts, fails cleanly at start with nothing changed.
    const other = world.engine(toyRunbook([{ id: 'other' }]));
    await world.redis.del(engine.locks.key('hub-tokyo-a'));
    const second = await other.submit(submitInput({ requester: 'U2' }));
    await engine.locks.acquire(
      'hub-tokyo-a',
      { runId: first.id, kind: 'scaleup', requester: 'U1', since: Date.now() },
      60_000,
    );
    world.startWorker(other);
    const refused = await waitForStatus(other, second.id, ['failed', 'succeeded']);
    expect(refused.status).toBe('failed');
    expect(refused.outcome).toMatch(
      new RegExp(`^Nothing was changed: hub-tokyo-a is busy: ${first.id} \\(scaleup by <@U1>`),
    );
    expect(refused.steps.every((s) => s.status === 'pending')).toBe(true);

    release();
    expect((await waitForStatus(engine, first.id, ['succeeded', 'failed'])).status).toBe(
      'succeeded',
    );
    expect(await world.counts()).toEqual({ launch: 1, repoint: 1 });
    expect(await engine.whoHolds('hub-tokyo-a')).toBeUndefined();
  });

  it('only the holder renews; the same run re-acquires', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook([{ id: 'a' }]));
    const holder = { runId: 'r-aaaaaa', kind: 'failover', requester: 'U1', since: 1 };
    expect(await engine.locks.acquire('hub-tokyo-b', holder, 60_000)).toEqual({ ok: true });
    expect(await engine.locks.acquire('hub-tokyo-b', holder, 60_000)).toEqual({ ok: true });
    expect(
      await engine.locks.acquire('hub-tokyo-b', { ...holder, runId: 'r-bbbbbb' }, 60_000),
    ).toEqual({ ok: false, holder });
    expect(await engine.locks.renew('hub-tokyo-b', 'r-bbbbbb', 60_000)).toBe(false);
    expect(await engine.locks.renew('hub-tokyo-b', 'r-aaaaaa', 60_000)).toBe(true);
    expect(await engine.whoHolds('hub-tokyo-b')).toEqual(holder);
  });
});

describe('runbook engine: observers and the event stream', () => {
  it('an observer that throws or hangs does not fail or stall the run', async () => {
    world = createWorld();
    const throwing = {
      onEvent: async (): Promise<void> => Promise.reject(new Error('slack is down')),
    };
    const hanging = { onEvent: (): Promise<void> => new Promise<void>(() => {}) };
    const recorder = new RecordingObserver();
    const engine = world.engine(toyRunbook([{ id: 'a' }, { id: 'b' }]), {
      observers: [throwing, hanging, recorder],
      observerTimeoutMs: 20,
    });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    const run = await waitForStatus(engine, id, ['succeeded', 'failed', 'rolled-back']);
    expect(run.status).toBe('succeeded');
    // Observers are told after the record is saved: the recorder may still be catching up.
    await waitFor('the recorder to see finished', async () =>
      recorder.events.some((e) => e.type === 'finished'),
    );
    expect(recorder.events.at(-1)?.type).toBe('finished');
  });

  it('another process tails a run with a blocking read', async () => {
    world = createWorld();
    let release!: () => void;
    let reached!: () => void;
    const hung = new Promise<void>((resolve) => (reached = resolve));
    const engine = world.engine(toyRunbook([{ id: 'a' }, { id: 'b' }]), {
      deps: {
        hang: {
          stepId: 'b',
          when: 'before-action',
          reached,
          release: new Promise((resolve) => (release = resolve)),
        },
      },
    });
    const tailer = world.engine(toyRunbook([{ id: 'a' }]));
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput());
    await hung;

    const first = await tailer.store.tailEvents(id, '0', 1_000);
    expect(first.events.map((e) => e.event.type)).toContain('step-started');
    // Blocks until new events arrive; the release makes them arrive.
    const next = tailer.store.tailEvents(id, first.lastId, 10_000);
    release();
    const rest = await next;
    const seen: RunEvent[] = rest.events.map((e) => e.event);
    let cursor = rest.lastId;
    await waitFor('the finished event', async () => {
      const more = await tailer.store.tailEvents(id, cursor, 200);
      seen.push(...more.events.map((e) => e.event));
      cursor = more.lastId;
      return seen.some((e) => e.type === 'finished');
    });
    expect(seen.map((e) => `${e.type}:${e.stepId ?? ''}`)).toEqual([
      'step-finished:b',
      'finished:',
    ]);
    expect(((await engine.get(id)) as Run).status).toBe('succeeded');
  });
});
