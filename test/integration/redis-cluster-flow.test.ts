/**
 * Issue 17 §2 and §5: flatnet on a Redis Cluster (three masters started here with
 * `redis-cli --cluster create`). Every key lives under the hash-tagged prefix, so BullMQ's
 * scripts and flatnet's (approval, lease, run transitions) run on one node, atomically: a
 * scale-up asked by Alice and approved by Bob runs to the end, once, with every step told.
 * (A failover test needs replicas behind the masters: the Sentinel test covers that.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, RunEvent } from '../../src/runbook/types.js';
import { waitFor } from '../../src/util/wait-for.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-servers.js';

const CHANNEL = 'C0NETOPS';
const HUB = 'hub-tokyo-a';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'expired'];

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

  const runReaching = (runId: string, ok: (run: Run) => boolean, what: string) =>
    waitFor(
      async () => {
        const run = await stack.bot.runtime.engine.get(runId);
        return run && ok(run) ? run : undefined;
      },
      { what: `run ${runId} ${what}`, timeoutMs: 90_000, intervalMs: 25 },
    );

  it('runs approved, once, with one instance launched and every step told', async () => {
    const originalIds = [...stack.world.state.instances.keys()];
    const reply = await stack.slack.slashCommand({
      user: 'U0ALICE',
      channel: CHANNEL,
      command: '/router',
      text: `scaleup ${HUB}`,
    });
    const runId = /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json ?? reply.body))?.[1];
    if (!runId) throw new Error(`no run started: ${JSON.stringify(reply.json ?? reply.body)}`);
    await runReaching(runId, (r) => r.status === 'awaiting-approval', 'to wait for approval');
    const prompt = await waitFor(
      () =>
        stack.slack.store.allMessages(CHANNEL).find((m) => {
          const blocks = JSON.stringify(m.blocks ?? []);
          return blocks.includes(runId) && blocks.includes('run_approve');
        }),
      { what: 'the approval prompt', timeoutMs: 10_000 },
    );
    const click = await stack.slack.clickButton({
      user: 'U0BOB',
      channel: CHANNEL,
      messageTs: prompt.ts,
      actionId: 'run_approve',
    });
    expect(click.status).toBe(200);
    const run = await runReaching(runId, (r) => FINAL.includes(r.status), 'to finish');
    expect(run.status, run.outcome).toBe('succeeded');

    const launched = [...stack.world.state.instances.values()].filter(
      (i) => !originalIds.includes(i.instanceId),
    );
    expect(launched.map((i) => i.tags['Name'])).toEqual([HUB]);
    const events = (await stack.bot.runtime.engine.store.readEvents(runId)).map((e) => e.event);
    const count = (type: RunEvent['type']) => events.filter((e) => e.type === type).length;
    expect(count('approved')).toBe(1);
    expect(count('finished')).toBe(1);
    for (const step of run.steps) {
      expect(step.status, step.id).toBe('done');
      expect(events.filter((e) => e.type === 'step-finished' && e.stepId === step.id)).toHaveLength(
        1,
      );
    }
  }, 300_000);
});
