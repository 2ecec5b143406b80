/**
 * Issue 17 §3, nothing lost: replication is asynchronous, so a write its master acknowledged
 * can vanish with that master. A real master and replica (started here); the replica is cut off
 * (`REPLICAOF NO ONE`: a replica that lags or lost its link) so that it provably misses what
 * the master acknowledges, then the master is killed and the replica promoted, as Sentinel
 * would. (A frozen replica would not do: the kernel keeps the stream for it.)
 *
 * - Without the guard, Bob's approval is acknowledged and then lost: the promoted replica still
 *   has the run waiting for approval (the danger is real, not hypothetical).
 * - With it (`replicaAck`, what Sentinel gets by default), the approval is not acknowledged
 *   until the replica holds it — WAIT is answered by the re-attached replica's acknowledgement
 *   (count 1), not by its timeout (count 0) — and survives the master's death; a run does not
 *   act on the world while its lease and step pointer are on the master alone.
 *
 * After a test killed the master, the teardown restarts it and re-attaches the replica: the
 * run that was approved goes on under the restarted master, and its lease's WAIT on the
 * world's shared connection would otherwise hold every command behind it (the cleanup's
 * too) for WAIT's whole timeout. That, not the decision, made this test 15 s long.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/log.js';
import type { ReplicaAck } from '../../src/runbook/replica-ack.js';
import { runStoreKeys } from '../../src/runbook/run-store.js';
import { waitFor } from '../../src/util/wait-for.js';
import {
  removeServerDir,
  startRedisServer,
  withRedis,
  type RedisProcess,
} from '../support/redis-servers.js';
import {
  approvalBy,
  createWorld,
  submitInput,
  toyRunbook,
  waitForStatus,
  type World,
} from './runbook-harness.js';

describe('a write the world acts on is on a replica first', () => {
  let dir: string;
  let master: RedisProcess;
  let replica: RedisProcess;
  let world: World;
  const prefix = `flatnet-ack-${process.pid}`;
  const keys = runStoreKeys(prefix);

  const cutOff = () => withRedis(replica.port, (r) => r.call('REPLICAOF', 'NO', 'ONE'));
  const reattach = () =>
    withRedis(replica.port, (r) => r.call('REPLICAOF', '127.0.0.1', String(master.port)));
  const inSync = (lead: RedisProcess) =>
    waitFor(() => withRedis(lead.port, async (r) => Number(await r.call('WAIT', 1, 200)) >= 1), {
      what: 'the replica to hold every write',
      timeoutMs: 20_000,
      intervalMs: 100,
    });
  /** The master dies; the replica takes over with what it has (Sentinel's failover). */
  async function failOver(): Promise<void> {
    await master.kill();
    await cutOff();
  }
  const statusOnReplica = (runId: string) =>
    withRedis(replica.port, (r) => r.hmget(keys.run(runId), 'status', 'decisions'));
  /** A client of the master is blocked in WAIT: the replica has not acknowledged its writes. */
  const blockedInWait = () =>
    waitFor(
      () =>
        withRedis(master.port, async (r) => String(await r.client('LIST')).includes('cmd=wait')),
      { what: 'a flatnet connection to wait in WAIT', timeoutMs: 20_000, intervalMs: 50 },
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-replica-ack-'));
    master = await startRedisServer(dir);
    replica = await startRedisServer(dir, {
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    await inSync(master);
    const connect = () => {
      const redis = new Redis(master.port, '127.0.0.1', { maxRetriesPerRequest: null });
      redis.on('error', () => {}); // the master dies on purpose
      return redis;
    };
    world = createWorld({ connect, prefix });
  });
  afterEach(async () => {
    // The world's connections go to the master's port: bring it back (it kept its append-only
    // file) so that the world can close and drop its keys.
    if (!(await withRedis(master.port, (r) => r.ping()).catch(() => undefined))) {
      await master.restart();
      await reattach();
    }
    await world.cleanup();
    await master.stop();
    await replica.stop();
    removeServerDir(dir);
  });

  async function awaitingApproval(ack?: ReplicaAck, logger?: Logger) {
    const engine = world.engine(toyRunbook([{ id: 'facts', phase: 'plan' }, { id: 'a' }]), {
      ...(ack ? { replicaAck: ack } : {}),
      ...(logger ? { logger } : {}),
    });
    world.startWorker(engine);
    const run = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, run.id, ['awaiting-approval']);
    await inSync(master);
    return { engine, run };
  }

  it('without the guard, an acknowledged approval vanishes with its master', async () => {
    const { engine, run } = await awaitingApproval();
    await cutOff();
    const decided = await engine.decide(run.id, 'U2', 'approve');
    expect(decided.ok).toBe(true);
    await failOver();
    const [status, decisions] = await statusOnReplica(run.id);
    expect(status).toBe('awaiting-approval');
    expect(decisions).toBe('[]');
  });

  it('with it, an approval is acknowledged once a replica holds it, and survives', async () => {
    // What each WAIT answered, from the engine's own log (debug: the count; warn: too few).
    const said: { what?: string; acked?: number }[] = [];
    const logger = createLogger(
      { level: 'debug' },
      { write: (line) => void said.push(JSON.parse(line)) },
    );
    // A WAIT released by its timeout answers 0 and fails below, long before this runs out.
    const { engine, run } = await awaitingApproval({ replicas: 1, timeoutMs: 50_000 }, logger);
    await cutOff();
    let settled = false;
    const decision = engine.decide(run.id, 'U2', 'approve').finally(() => (settled = true));
    await blockedInWait();
    expect(settled).toBe(false);
    await reattach();
    expect((await decision).ok).toBe(true);
    // Released by the replica's acknowledgement: WAIT answered 1.
    expect(said.filter((l) => l.what === 'the approval decision').map((l) => l.acked)).toEqual([1]);
    await failOver();
    const [status, decisions] = await statusOnReplica(run.id);
    // The approved run may have finished its one step before the kill: either way, approved.
    expect(['running', 'succeeded']).toContain(status);
    expect(JSON.parse(decisions ?? '[]')).toMatchObject([{ user: 'U2', decision: 'approved' }]);
  });

  it('a run does not act while its lease and step pointer are on the master alone', async () => {
    const engine = world.engine(toyRunbook([{ id: 'facts', phase: 'plan' }, { id: 'a' }]), {
      replicaAck: { replicas: 1, timeoutMs: 60_000 },
    });
    world.startWorker(engine);
    await cutOff();
    const run = await engine.submit(submitInput());
    await blockedInWait();
    // Read on a connection of its own: the run's is the one waiting in WAIT.
    const acted = () => withRedis(master.port, (r) => r.hget(`${prefix}:toy:count`, 'a'));
    expect(await acted()).toBeNull();
    await reattach();
    expect((await waitForStatus(engine, run.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(await acted()).toBe('1');
    await inSync(master);
    expect((await statusOnReplica(run.id))[0]).toBe('succeeded');
  });
});
