/**
 * Issue 17 §5 on a Redis Cluster: three masters, each with a replica (six servers started
 * here, `cluster-node-timeout` 1 s). The master that holds flatnet's slot (its hash-tagged
 * prefix) is killed (SIGKILL) while a scale-up waits for Bob's approval, and again while the
 * cutover moves the Elastic IP; each time the cluster promotes that master's replica by itself
 * and the killed one comes back as a replica. The same bot, not restarted, follows both: the
 * run finishes once, one instance is launched, and every step is told in order. Guarded writes
 * wait for the slot master's replica (`REDIS_WAIT_REPLICAS=1`), as docs/redis-ha.md advises
 * for a cluster with replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/util/wait-for.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectOneStory } from '../support/expect-one-story.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster.js';
import {
  approveAsBob,
  askScaleup,
  CHANNEL,
  FINAL,
  runReaching,
} from '../support/scaleup-through-slack.js';

describe('a scale-up on a Redis Cluster, with the master of its slot killed twice', () => {
  let cluster: RedisClusterUnderTest;
  let stack: LocalStack;
  const prefix = `{flatnet-cluster-ha-${process.pid}}`;

  beforeAll(async () => {
    cluster = await startRedisCluster('cluster-failover', { replicasPerMaster: 1 });
    // EC2 answers in 200 ms, as a slow region does: the cutover lasts long enough to be hit.
    stack = await startLocalStack({
      label: 'cluster-ha',
      redis: cluster.target,
      prefix,
      world: { ec2LatencyMs: 200 },
      replicaAck: { replicas: 1, timeoutMs: 1_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await cluster?.close();
  });

  /** The slot's master dies; its replica takes the slot; the dead one returns as a replica. */
  async function killTheMaster(): Promise<void> {
    const { killed, promoted } = await cluster.killMasterOf(prefix);
    expect(promoted).not.toBe(killed);
    expect(await cluster.masterOf(prefix)).toBe(promoted);
  }

  it('finishes once, launches one instance, and tells every step', async () => {
    const before = [...stack.world.state.instances.keys()];
    const { runId, prompt } = await askScaleup(stack);

    // First failover: while the run waits for Bob.
    await killTheMaster();
    // The same bot, no restart: its cluster client learns the new master by itself.
    await waitFor(() => stack.bot.runtime.engine.get(runId), {
      what: "the bot's cluster connection to reach the new master",
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(await approveAsBob(stack, prompt)).toBe(200);
    await runReaching(stack, runId, (r) => r.status !== 'awaiting-approval', 'to be approved');

    // Second failover: in the cutover, while the Elastic IP moves.
    const atKill = await runReaching(
      stack,
      runId,
      (r) => r.steps.some((s) => s.id === 'move-elastic-ip' && s.status === 'running'),
      'to be moving the Elastic IP',
    );
    await killTheMaster();
    expect(atKill.status).toBe('running');

    const run = await runReaching(stack, runId, (r) => FINAL.includes(r.status), 'to finish');
    await expectOneStory(stack, run, before);
    const thread = JSON.stringify(stack.slack.store.allMessages(CHANNEL));
    expect(thread).toContain('U0BOB');
    expect(thread).toContain(runId);
    // WAIT went to the slot's master and its replica answered it (at least once).
    expect(stack.logLines.some((l) => /is on 1 replica\(s\)/.test(l))).toBe(true);
  }, 300_000);
});
