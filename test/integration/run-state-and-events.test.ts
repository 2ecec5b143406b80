/**
 * A run's record and its events never disagree, wherever a worker dies. The engine's Redis
 * connection is cut after its N-th command (the command is never sent: the worker hangs there
 * as a killed process would), for every N from the first command of a run to its last; each
 * time the record and the event stream are read back and compared: every step's status is
 * what its last event says, a plan is saved with its `planned` event, and a run is final
 * exactly when a `finished` event says so. A save and its event are one Lua script
 * (src/runbook/lua/save-run.lua), so no cut falls between them.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { createRunJobProcessor } from '../../src/queue/run-job-processor.js';
import { runCancelScript } from '../../src/runbook/approval-scripts.js';
import { createRunQueue } from '../../src/queue/run-queue.js';
import { startWorker } from '../../src/queue/start-worker.js';
import { createEngine } from '../../src/runbook/engine.js';
import { RunStore } from '../../src/runbook/run-store.js';
import { FINAL_STATUSES, type Run, type RunEvent } from '../../src/runbook/types.js';
import { waitFor } from '../helpers/wait-for.js';
import { testRedis } from '../helpers/redis.js';
import {
  approvalBy,
  createWorld,
  silentLog,
  submitInput,
  toyRunbook,
  waitForStatus,
  type ToyDeps,
  type World,
} from './runbook-harness.js';

/** A connection that sends its first `budget` commands and hangs on the next one. */
function connectionCutAfter(budget: number): { redis: Redis; cut: () => boolean } {
  const redis = testRedis();
  const send = redis.sendCommand.bind(redis);
  let left = budget;
  redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    if (left-- > 0) return send(...args);
    return new Promise(() => {}); // never sent, never answered: the worker is stuck here
  };
  return { redis, cut: () => left < 0 };
}

const STEP_EVENTS: Record<string, RunEvent['type'][]> = {
  pending: [],
  running: ['step-started'],
  done: ['step-finished'],
  failed: ['step-failed'],
  undone: ['step-undone'],
  'undo-failed': ['undo-failed'],
};

/** What disagrees between the record and the events (empty when they agree). */
function disagreements(run: Run, events: RunEvent[]): string[] {
  const out: string[] = [];
  for (const step of run.steps) {
    // Events that change the record: "undo-started" and notes say something, change nothing.
    const said = events
      .filter((e) => e.stepId === step.id)
      .map((e) => e.type)
      .filter((t) => t !== 'undo-started' && t !== 'note');
    const last = said.at(-1);
    const expected =
      step.status === 'failed' && step.undoneAfterFailure
        ? ['step-undone']
        : (STEP_EVENTS[step.status] ?? []);
    if (expected.length === 0 ? last !== undefined : !expected.includes(last!))
      out.push(`step ${step.id} is ${step.status} but its last event is ${last ?? 'none'}`);
  }
  const finished = events.some((e) => e.type === 'finished');
  if (FINAL_STATUSES.includes(run.status) !== finished)
    out.push(`the run is ${run.status} but "finished" was ${finished ? '' : 'not '}said`);
  const planned = events.some((e) => e.type === 'planned');
  if ((run.plan !== undefined && run.plan.length > 0) !== planned)
    out.push(
      `the plan is ${run.plan ? '' : 'not '}saved but "planned" was ${planned ? '' : 'not '}said`,
    );
  return out;
}

let world: World | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe('a run and its events agree wherever its worker dies', () => {
  it(
    'through planning, every step, a failure and its undo, to the end',
    { timeout: 300_000 },
    async () => {
      world = createWorld();
      const w = world;
      const store = new RunStore(w.redis, w.prefix);
      // Three steps, the last fails: the run goes through plan, execute, undo and rollback.
      const runbook = toyRunbook([
        { id: 'check', phase: 'plan' },
        { id: 'a' },
        { id: 'b' },
        { id: 'c' },
      ]);
      const checked: string[] = [];
      let completed = false;
      for (let budget = 1; !completed; budget++) {
        const { redis, cut } = connectionCutAfter(budget);
        const deps: ToyDeps = { redis: w.redis, prefix: `${w.prefix}:${budget}`, failAt: 'c' };
        // Each cut gets its own queue: the job a cut worker leaves behind would otherwise come
        // back as stalled once its lock expires (on a slow machine, within the loop) and eat
        // the next worker's command budget.
        const queuePrefix = `${w.prefix}-q${budget}`;
        const queue = createRunQueue({ connection: w.redis, prefix: queuePrefix });
        const engine = createEngine<ToyDeps>({
          describeCommand: rebuildCommandLine,
          redis,
          prefix: w.prefix,
          queue,
          runbooks: { scaleup: runbook },
          deps,
          observers: [],
          logger: silentLog,
          observerTimeoutMs: 500,
          leaseTtlMs: 30_000,
        });
        const connection = testRedis();
        const worker = startWorker({
          connection,
          prefix: queuePrefix,
          concurrency: 1,
          processor: createRunJobProcessor(engine, { logger: silentLog }),
          logger: silentLog,
        });
        // Submitted through an engine whose connection is whole: the cut worker processes it.
        const submitter = createEngine<ToyDeps>({
          describeCommand: rebuildCommandLine,
          redis: w.redis,
          prefix: w.prefix,
          queue,
          runbooks: { scaleup: runbook },
          deps,
          logger: silentLog,
        });
        const { id } = await submitter.submit(submitInput({ target: `hub-${budget}` }));
        {
          const runId = id;
          await waitFor(async () => {
            const run = await store.get(runId);
            return cut() || (run !== undefined && FINAL_STATUSES.includes(run.status));
          }, `run ${runId} to end or its worker to be cut`);
          // The cut command was never sent: what Redis holds now is what a dead worker leaves.
          const run = await store.get(runId);
          const events = (await store.readEvents(runId)).map((e) => e.event);
          expect(run, `run ${runId} after ${budget} commands`).toBeDefined();
          expect(disagreements(run!, events), `after ${budget} commands`).toEqual([]);
          checked.push(run!.status);
          completed = !cut() && run!.status === 'rolled-back';
        }
        await worker.close(true);
        connection.disconnect();
        redis.disconnect();
        await engine.close();
        await submitter.close();
        await queue.close();
      }
      // The cuts fell in every phase: planning, running (and undoing) and the end.
      expect(checked.length).toBeGreaterThan(20);
      expect(checked).toContain('planning');
      expect(checked).toContain('running');
      expect(checked.at(-1)).toBe('rolled-back');
    },
  );

  it('a cancel sets the status, the outcome and `finished` in one script', async () => {
    world = createWorld();
    const store = new RunStore(world.redis, world.prefix);
    const engine = world.engine(toyRunbook([{ id: 'check', phase: 'plan' }, { id: 'a' }]));
    world.startWorker(engine);
    const { id } = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, id, ['awaiting-approval']);
    // Only the script, as a process that dies right after it leaves the run.
    const verdict = await runCancelScript(
      world.redis,
      store.keys,
      id,
      'U1',
      Date.now(),
      store.retentionMs(),
      'Cancelled by <@U1>. Nothing was changed.',
    );
    expect(verdict).toEqual({ code: 'cancelled' });
    const run = (await store.get(id))!;
    const events = (await store.readEvents(id)).map((e) => e.event);
    expect(run.status).toBe('cancelled');
    expect(run.outcome).toBe('Cancelled by <@U1>. Nothing was changed.');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'pending']);
    expect(events.at(-1)).toMatchObject({ type: 'finished', user: 'U1' });
    expect(disagreements(run, events)).toEqual([]);
  });
});
