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
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster.js';
import { scaleupThroughTwoFailovers } from '../support/scaleup-through-two-failovers.js';

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
    await scaleupThroughTwoFailovers(stack, killTheMaster);
    // WAIT went to the slot's master and its replica answered it (at least once).
    expect(stack.logLines.some((l) => /is on 1 replica\(s\)/.test(l))).toBe(true);
  }, 300_000);
});
