/**
 * Shared by the runbook/queue integration tests: a toy runbook whose steps record their side
 * effects in Redis and check the world before acting (idempotent, as the contract asks), a
 * real BullMQ queue and workers on a unique prefix, and a polling helper (no timing verdicts).
 */
import type { Worker } from 'bullmq';
import type { RedisClient } from '../../src/util/redis-client.js';
import type { ReplicaAck } from '../../src/runbook/replica-ack.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createRunQueue, type RunQueue } from '../../src/queue/run-queue.js';
import { createRunJobProcessor, recordGaveUp } from '../../src/queue/run-job-processor.js';
import { startWorker } from '../../src/queue/start-worker.js';
import { createEngine, type Engine, type SubmitInput } from '../../src/runbook/engine.js';
import type { RunObserver } from '../../src/runbook/observer.js';
import type {
  Run,
  RunEvent,
  Runbook,
  Step,
  StepContext,
  StepOutcome,
} from '../../src/runbook/types.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { waitUntil as waitFor } from '../helpers/wait-for.js';

export const silentLog = createLogger({ level: 'silent' });

export interface Hang {
  stepId: string;
  when: 'before-action' | 'after-action' | 'after-undo';
  /** Resolved when the step reaches the hang. */
  reached: () => void;
  /** The step waits for this (a worker "dies" here). */
  release: Promise<void>;
}

export interface ToyDeps {
  redis: RedisClient;
  prefix: string;
  failAt?: string;
  /** The step acts, then fails (its check after the action throws). */
  failAfterActionAt?: string;
  undoFailAt?: string;
  hang?: Hang;
}

const worldKey = (d: ToyDeps) => `${d.prefix}:toy:world`;
const countKey = (d: ToyDeps) => `${d.prefix}:toy:count`;
const undoOrderKey = (d: ToyDeps) => `${d.prefix}:toy:undo-order`;

export interface ToyStepSpec {
  id: string;
  phase?: 'plan' | 'execute';
  onLaterFailure?: 'undo' | 'stop';
  undoable?: boolean;
}

/** A step that changes the toy world once, whatever how often it is run. */
export function toyStep(spec: ToyStepSpec): Step<ToyDeps> {
  const phase = spec.phase ?? 'execute';
  return {
    id: spec.id,
    title: `toy ${spec.id}`,
    phase,
    ...(spec.onLaterFailure ? { onLaterFailure: spec.onLaterFailure } : {}),
    async run(ctx: StepContext<ToyDeps>): Promise<StepOutcome> {
      const d = ctx.deps;
      const hang = d.hang?.stepId === spec.id ? d.hang : undefined;
      if (hang?.when === 'before-action') {
        hang.reached();
        await hang.release;
      }
      if (phase === 'plan') {
        if (hang?.when === 'after-action') {
          hang.reached();
          await hang.release;
        }
        return { result: { facts: `seen by ${spec.id}` }, detail: `${spec.id} looked` };
      }
      if (d.failAt === spec.id) throw new Error(`${spec.id} broke on purpose`);
      if (ctx.dryRun) return { detail: `${spec.id} would act` };
      await ctx.assertStillOwner();
      if (!(await d.redis.sismember(worldKey(d), spec.id))) {
        await d.redis.multi().sadd(worldKey(d), spec.id).hincrby(countKey(d), spec.id, 1).exec();
      }
      if (hang?.when === 'after-action') {
        hang.reached();
        await hang.release;
      }
      if (d.failAfterActionAt === spec.id) throw new Error(`${spec.id} acted, then broke`);
      return { result: { did: spec.id }, detail: `${spec.id} done` };
    },
    ...(spec.undoable === false
      ? {}
      : {
          async undo(ctx: StepContext<ToyDeps>) {
            const d = ctx.deps;
            if (d.undoFailAt === spec.id) throw new Error(`undo of ${spec.id} broke on purpose`);
            if (await d.redis.sismember(worldKey(d), spec.id)) {
              await d.redis
                .multi()
                .srem(worldKey(d), spec.id)
                .hincrby(countKey(d), `undo:${spec.id}`, 1)
                .rpush(undoOrderKey(d), spec.id)
                .exec();
            }
            if (d.hang?.stepId === spec.id && d.hang.when === 'after-undo') {
              d.hang.reached();
              await d.hang.release;
            }
          },
        }),
  };
}

export function toyRunbook(
  steps: ToyStepSpec[],
  options: { lockTarget?: boolean } = {},
): Runbook<ToyDeps> {
  return {
    kind: 'scaleup',
    steps: steps.map(toyStep),
    ...(options.lockTarget === false ? {} : { lockTarget: (run: Readonly<Run>) => run.target }),
    describePlan: (run) =>
      run.steps
        .filter((s) => s.result !== undefined)
        .map((s) => `${s.id}: ${JSON.stringify(s.result)}`),
    summarize: (run) => `toy ${run.kind} on ${run.target} done`,
  };
}

export class RecordingObserver implements RunObserver {
  events: RunEvent[] = [];
  async onEvent(_run: Run, event: RunEvent): Promise<void> {
    this.events.push(event);
  }
}

export interface World {
  prefix: string;
  redis: RedisClient;
  queue: RunQueue;
  engines: Engine[];
  workers: Worker[];
  /** The toy world's action counts: step id → times acted, `undo:<id>` → times undone. */
  counts(): Promise<Record<string, number>>;
  undoOrder(): Promise<string[]>;
  engine(
    runbook: Runbook<ToyDeps>,
    options?: {
      deps?: Partial<ToyDeps>;
      observers?: RunObserver[];
      clock?: () => number;
      observerTimeoutMs?: number;
      runRetentionMs?: number;
      replicaAck?: ReplicaAck;
      logger?: Logger;
    },
  ): Engine;
  startWorker(
    engine: Engine,
    options?: {
      processor?: (runId: string, process: () => Promise<void>) => Promise<void>;
    },
  ): Worker;
  cleanup(): Promise<void>;
}

/**
 * On the shared test Redis by default; the HA tests pass a connection to their own servers and
 * a hash-tagged prefix.
 */
export function createWorld(options: { connect?: () => RedisClient; prefix?: string } = {}): World {
  const connect = options.connect ?? testRedis;
  const prefix = options.prefix ?? uniquePrefix('rb');
  const redis = connect();
  const queue = createRunQueue({
    connection: redis,
    prefix,
    jobOptions: { backoff: { type: 'fixed', delay: 50 } },
  });
  const engines: Engine[] = [];
  const workers: Worker[] = [];
  const world: World = {
    prefix,
    redis,
    queue,
    engines,
    workers,
    async counts() {
      const raw = await redis.hgetall(`${prefix}:toy:count`);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
    undoOrder: () => redis.lrange(`${prefix}:toy:undo-order`, 0, -1),
    engine(runbook, options = {}) {
      const retentionMs = options.runRetentionMs;
      const engine = createEngine<ToyDeps>({
        describeCommand: rebuildCommandLine,
        redis,
        prefix,
        queue,
        runbooks: { [runbook.kind]: runbook },
        deps: { redis, prefix, ...options.deps },
        observers: options.observers ?? [],
        logger: options.logger ?? silentLog,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(retentionMs ? { runRetentionMs: () => retentionMs } : {}),
        ...(options.replicaAck ? { replicaAck: options.replicaAck } : {}),
        observerTimeoutMs: options.observerTimeoutMs ?? 500,
        leaseTtlMs: 5_000,
      });
      engines.push(engine);
      return engine;
    },
    startWorker(engine, options = {}) {
      const connection = connect();
      // Production's lock (src/queue/run-lock-timing.ts): a closed worker's job is taken over
      // as a dead worker's would be.
      const inner = createRunJobProcessor(engine, { logger: silentLog });
      const worker = startWorker({
        connection,
        prefix,
        concurrency: 2,
        processor: options.processor
          ? (job, token) => options.processor!(job.data.runId, () => inner(job, token))
          : inner,
        maxStalledCount: 5,
        logger: silentLog,
        onJobGaveUp: recordGaveUp(engine),
      });
      worker.on('closed', () => connection.disconnect());
      workers.push(worker);
      return worker;
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.close(true)));
      await queue.close();
      await Promise.all(engines.map((e) => e.close()));
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
  return world;
}

export function submitInput(overrides: Partial<SubmitInput> = {}): SubmitInput {
  return {
    kind: 'scaleup',
    target: 'hub-tokyo-a',
    params: { type: 'c5.xlarge' },
    requester: 'U1',
    origin: { kind: 'cli', channel: 'C1' },
    dryRun: false,
    ...overrides,
  };
}

export const approvalBy = (
  approvers: string[],
  distinctApprovers = 1,
  expiresInMs = 30 * 60_000,
) => ({
  approvers,
  distinctApprovers,
  allowSelfApproval: false,
  expiresInMs,
});

/**
 * Polls until `check` returns a value, with a generous deadline: a verdict never rests on timing.
 */
export { waitFor };

export async function waitForStatus(
  engine: Engine,
  runId: string,
  statuses: Run['status'][],
): Promise<Run> {
  return waitFor(`run ${runId} to reach ${statuses.join('/')}`, async () => {
    const run = await engine.get(runId);
    return run && statuses.includes(run.status) ? run : undefined;
  });
}
