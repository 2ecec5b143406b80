/**
 * Issue 17 §2 and §5: flatnet on a Redis Cluster (three masters started here with
 * `redis-cli --cluster create`). Every key lives under the hash-tagged prefix, so BullMQ's
 * scripts and flatnet's (approval, lease, run transitions) run on one node, atomically: a
 * scale-up asked by Alice and approved by Bob runs to the end, once, with every step told.
 * (A failover test needs replicas behind the masters: the Sentinel test covers that.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectOneStory } from '../support/expect-one-story.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster.js';
import { approveAsBob, askScaleup, FINAL, runReaching } from '../support/scaleup-through-slack.js';

describe('a scale-up on a Redis Cluster', () => {
  let cluster: RedisClusterUnderTest;
  let stack: LocalStack;

  beforeAll(async () => {
    cluster = await startRedisCluster('cluster-flow');
    stack = await startLocalStack({
      label: 'cluster',
      redis: cluster.target,
      prefix: `{flatnet-cluster-${process.pid}}`,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await cluster?.close();
  });

  it('runs approved, once, with one instance launched and every step told', async () => {
    const before = [...stack.world.state.instances.keys()];
    const { runId, prompt } = await askScaleup(stack);
    expect(await approveAsBob(stack, prompt)).toBe(200);
    const run = await runReaching(stack, runId, (r) => FINAL.includes(r.status), 'to finish');
    const events = await expectOneStory(stack, run, before);
    // Nothing was retried on a cluster: each step finished exactly once.
    for (const step of run.steps)
      expect(events.filter((e) => e.type === 'step-finished' && e.stepId === step.id)).toHaveLength(
        1,
      );
  }, 300_000);
});
