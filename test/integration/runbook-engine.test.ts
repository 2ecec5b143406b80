import { afterEach, describe, expect, it } from 'vitest';
import {
  approvalBy,
  createWorld,
  RecordingObserver,
  submitInput,
  toyRunbook,
  waitForStatus,
  type World,
} from './runbook-harness.js';

const steps = [
  { id: 'facts', phase: 'plan' as const },
  { id: 'launch' },
  { id: 'move-eip' },
  { id: 'repoint' },
];

let world: World;
afterEach(async () => {
  await world.cleanup();
});

describe('runbook engine: runs without approval', () => {
  it(
    'runs plan and execute steps in order, saves ' +
      'results and the cursor, and reports every event',
    async () => {
      world = createWorld();
      const observer = new RecordingObserver();
      const engine = world.engine(toyRunbook(steps), { observers: [observer] });
      world.startWorker(engine);

      const submitted = await engine.submit(submitInput());
      expect(submitted.id).toMatch(/^r-[2-9a-z]{6}$/);
      expect(submitted.status).toBe('planning');

      const run = await waitForStatus(engine, submitted.id, ['succeeded', 'failed', 'rolled-back']);
      expect(run.status).toBe('succeeded');
      expect(run.outcome).toBe('toy scaleup on hub-tokyo-a done');
      expect(run.cursor).toBe(4);
      expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
      expect(run.steps[1]?.result).toEqual({ did: 'launch' });
      expect(run.plan).toEqual(['facts: {"facts":"seen by facts"}']);
      expect(await world.counts()).toEqual({ launch: 1, 'move-eip': 1, repoint: 1 });

      const types = (await engine.store.readEvents(run.id)).map((e) => e.event.type);
      expect(types).toEqual([
        'created',
        'step-started',
        'step-finished',
        'planned',
        'started',
        'step-started',
        'step-finished',
        'step-started',
        'step-finished',
        'step-started',
        'step-finished',
        'finished',
      ]);
      expect(observer.events.map((e) => e.type)).toEqual(types);
      // The lease is released once the run is over.
      expect(await engine.whoHolds('hub-tokyo-a')).toBeUndefined();
      // The audit trail names every transition with its run.
      const audit = await engine.store.readAudit(100);
      expect(audit.filter((a) => a.runId === run.id)).toHaveLength(types.length);
      expect(audit.at(-1)).toMatchObject({ type: 'created', user: 'U1', target: 'hub-tokyo-a' });
    },
  );

  it('dry run: execute steps see dryRun and nothing changes', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput({ dryRun: true }));
    const run = await waitForStatus(engine, id, ['succeeded', 'failed']);
    expect(run.status).toBe('succeeded');
    expect(run.outcome).toMatch(/^Dry run: nothing was changed/);
    expect(run.steps.map((s) => s.detail)).toEqual([
      'facts looked',
      'launch would act',
      'move-eip would act',
      'repoint would act',
    ]);
    expect(await world.counts()).toEqual({});
  });

  it(
    'a submit with the id of a run it already made returns that run: one run, ' +
      'one plan job, every step once; another request with that id is refused',
    async () => {
      world = createWorld();
      const engine = world.engine(toyRunbook(steps));
      const first = await engine.submit(submitInput({ runId: 'r-aaaa22' }));
      // Asked again before any worker ran it (a caller that died before hearing the answer).
      const again = await engine.submit(submitInput({ runId: 'r-aaaa22' }));
      expect([first.id, again.id]).toEqual(['r-aaaa22', 'r-aaaa22']);
      world.startWorker(engine);
      const run = await waitForStatus(engine, 'r-aaaa22', ['succeeded', 'failed', 'rolled-back']);
      expect(run.status).toBe('succeeded');
      // Once it ran, asking again changes nothing either.
      expect((await engine.submit(submitInput({ runId: 'r-aaaa22' }))).status).toBe('succeeded');
      expect(await world.counts()).toEqual({ launch: 1, 'move-eip': 1, repoint: 1 });
      expect(await engine.store.list({ target: 'hub-tokyo-a', limit: 9 })).toHaveLength(1);
      await expect(
        engine.submit(submitInput({ runId: 'r-aaaa22', target: 'hub-tokyo-b' })),
      ).rejects.toThrow('run id r-aaaa22 is taken by another run (scaleup hub-tokyo-a)');
    },
  );

  it('lists runs newest first, by target and by kind', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps, { lockTarget: false }));
    const a = await engine.submit(submitInput({ target: 'hub-tokyo-a' }));
    const b = await engine.submit(submitInput({ target: 'hub-tokyo-b' }));
    const c = await engine.submit(submitInput({ target: 'hub-tokyo-a' }));
    // Same-millisecond creations have no defined order, so compare as sets where needed.
    expect(new Set((await engine.store.list({ limit: 10 })).map((r) => r.id))).toEqual(
      new Set([a.id, b.id, c.id]),
    );
    expect(
      new Set((await engine.store.list({ target: 'hub-tokyo-a', limit: 10 })).map((r) => r.id)),
    ).toEqual(new Set([a.id, c.id]));
    expect(await engine.store.list({ kind: 'failover', limit: 10 })).toEqual([]);
    expect(await engine.store.list({ limit: 2 })).toHaveLength(2);
  });
});

describe('runbook engine: the approval gate', () => {
  it('plans, waits for approval with the plan, then runs once approved', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput({ approval: approvalBy(['U2', 'U3']) }));

    const waiting = await waitForStatus(engine, id, ['awaiting-approval']);
    expect(waiting.plan).toEqual(['facts: {"facts":"seen by facts"}']);
    expect(await world.counts()).toEqual({});

    const result = await engine.decide(id, 'U2', 'approve');
    expect(result.ok).toBe(true);
    expect(result.message).toContain('starts now');
    const run = await waitForStatus(engine, id, ['succeeded', 'failed']);
    expect(run.status).toBe('succeeded');
    expect(run.decisions).toMatchObject([{ user: 'U2', decision: 'approved' }]);
    expect(await world.counts()).toEqual({ launch: 1, 'move-eip': 1, repoint: 1 });
    const late = await engine.decide(id, 'U3', 'approve');
    expect(late.ok).toBe(false);
    expect(late.message).toMatch(
      new RegExp(`^run ${id} was already approved by <@U2> at \\d\\d:\\d\\d UTC$`),
    );
  });

  it('a reject ends the run with nothing changed', async () => {
    world = createWorld();
    const observer = new RecordingObserver();
    const engine = world.engine(toyRunbook(steps), { observers: [observer] });
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, id, ['awaiting-approval']);
    const result = await engine.decide(id, 'U2', 'reject');
    expect(result).toMatchObject({ ok: true, run: { status: 'rejected' } });
    expect(result.run.outcome).toMatch(/^Rejected by <@U2> at .* Nothing was changed\.$/);
    expect(observer.events.map((e) => e.type).slice(-2)).toEqual(['rejected', 'finished']);
    expect((await engine.decide(id, 'U2', 'approve')).message).toMatch(
      /was already rejected by <@U2>/,
    );
    expect(await world.counts()).toEqual({});
  });

  it('refuses self-approval and non-approvers, with a message that says why', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const { id } = await engine.submit(
      submitInput({
        requester: 'U1',
        approval: { ...approvalBy(['U1', 'U2']), approversLabel: 'network-oncall' },
      }),
    );
    await waitForStatus(engine, id, ['awaiting-approval']);

    const self = await engine.decide(id, 'U1', 'approve');
    expect(self).toMatchObject({
      ok: false,
      message: `you asked for run ${id}; another approver must approve it`,
    });
    const stranger = await engine.decide(id, 'U9', 'approve');
    expect(stranger).toMatchObject({
      ok: false,
      message:
        `you are not an approver of run ${id}; only members of ` +
        'network-oncall (<@U1> and <@U2>) may approve scaleup runs',
    });
    expect((await engine.get(id))?.status).toBe('awaiting-approval');
    expect((await engine.get(id))?.decisions).toEqual([]);
  });

  it('expires on the server when the clock has passed the expiry', async () => {
    world = createWorld();
    let now = Date.UTC(2025, 0, 6, 13, 35);
    const observer = new RecordingObserver();
    const engine = world.engine(toyRunbook(steps), { clock: () => now, observers: [observer] });
    world.startWorker(engine);
    const { id } = await engine.submit(
      submitInput({ approval: approvalBy(['U2'], 1, 30 * 60_000) }),
    );
    await waitForStatus(engine, id, ['awaiting-approval']);
    now += 31 * 60_000;

    const result = await engine.decide(id, 'U2', 'approve');
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      `run ${id} expired at 14:05 UTC (30 min); ask again ` +
        `with \`/router scaleup hub-tokyo-a --type c5.xlarge\``,
    );
    expect(result.run.status).toBe('expired');
    expect(observer.events.map((e) => e.type).slice(-2)).toEqual(['expired', 'finished']);
    expect(await world.counts()).toEqual({});
  });

  it('the expiry job expires a run still waiting, and leaves a decided one alone', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const waiting = await engine.submit(
      submitInput({ target: 'r1', approval: approvalBy(['U2']) }),
    );
    const decided = await engine.submit(
      submitInput({ target: 'r2', approval: approvalBy(['U2']) }),
    );
    await waitForStatus(engine, waiting.id, ['awaiting-approval']);
    await waitForStatus(engine, decided.id, ['awaiting-approval']);
    await engine.decide(decided.id, 'U2', 'reject');

    expect((await engine.expire(waiting.id))?.status).toBe('expired');
    expect((await engine.expire(decided.id))?.status).toBe('rejected');
  });

  it('a double click and two approvers at once start the run exactly once', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const a = await engine.submit(
      submitInput({ target: 'r1', approval: approvalBy(['U2', 'U3']) }),
    );
    const b = await engine.submit(
      submitInput({ target: 'r2', approval: approvalBy(['U2', 'U3']) }),
    );
    await waitForStatus(engine, a.id, ['awaiting-approval']);
    await waitForStatus(engine, b.id, ['awaiting-approval']);

    const doubleClick = await Promise.all([
      engine.decide(a.id, 'U2', 'approve'),
      engine.decide(a.id, 'U2', 'approve'),
    ]);
    const twoApprovers = await Promise.all([
      engine.decide(b.id, 'U2', 'approve'),
      engine.decide(b.id, 'U3', 'approve'),
    ]);
    expect(doubleClick.filter((r) => r.ok)).toHaveLength(1);
    expect(twoApprovers.filter((r) => r.ok)).toHaveLength(1);

    const runA = await waitForStatus(engine, a.id, ['succeeded']);
    const runB = await waitForStatus(engine, b.id, ['succeeded']);
    expect(runA.decisions).toHaveLength(1);
    expect(runB.decisions).toHaveLength(1);
    for (const run of [runA, runB]) {
      const types = (await engine.store.readEvents(run.id)).map((e) => e.event.type);
      expect(types.filter((t) => t === 'approved')).toHaveLength(1);
      expect(types.filter((t) => t === 'started')).toHaveLength(1);
      expect(types.filter((t) => t === 'finished')).toHaveLength(1);
    }
  });

  it('needs N distinct approvers; the same person twice counts once', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const { id } = await engine.submit(
      submitInput({ approval: approvalBy(['U2', 'U3', 'U4'], 3) }),
    );
    await waitForStatus(engine, id, ['awaiting-approval']);

    expect((await engine.decide(id, 'U2', 'approve')).message).toBe(
      `your approval of ${id} is recorded (1/3); 2 more approvers needed`,
    );
    const again = await engine.decide(id, 'U2', 'approve');
    expect(again.ok).toBe(false);
    expect(again.message).toMatch(/^you already approved run .* another approver is needed$/);
    expect((await engine.decide(id, 'U3', 'approve')).message).toContain(
      '(2/3); 1 more approver needed',
    );
    expect((await engine.get(id))?.status).toBe('awaiting-approval');
    expect(await world.counts()).toEqual({});
    expect((await engine.decide(id, 'U4', 'approve')).ok).toBe(true);
    const run = await waitForStatus(engine, id, ['succeeded']);
    expect(run.decisions.map((d) => d.user)).toEqual(['U2', 'U3', 'U4']);
  });

  it('refuses a policy that can never be satisfied, at submit time', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    await expect(
      engine.submit(submitInput({ requester: 'U1', approval: approvalBy(['U1', 'U2'], 2) })),
    ).rejects.toThrow(
      /needs 2 distinct approvers but only 1 person other than the requester may approve it/,
    );
  });

  it('cancel: the requester cancels a waiting run; nobody cancels a finished one', async () => {
    world = createWorld();
    const engine = world.engine(toyRunbook(steps));
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, id, ['awaiting-approval']);
    expect((await engine.cancel(id, 'U9')).message).toBe(
      `only the requester <@U1> or an approver may cancel run ${id}`,
    );
    const cancelled = await engine.cancel(id, 'U1');
    expect(cancelled).toMatchObject({ ok: true, run: { status: 'cancelled' } });
    expect((await engine.decide(id, 'U2', 'approve')).message).toMatch(
      /was cancelled; ask again with/,
    );
    expect((await engine.cancel(id, 'U1')).ok).toBe(false);
  });
});
