/**
 * Issue 17 §1 and §5: flatnet on Redis Sentinel follows a master failover without a restart,
 * and a scale-up survives two: the master is killed (SIGKILL) while the run waits for Bob's
 * approval, and again while the cutover moves the Elastic IP. The real bot (in-process worker),
 * the local Slack, the simulated world; a master, a replica and three sentinels started here.
 * The run finishes once, one instance is launched, and every step is told in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/util/wait-for.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { expectOneStory } from '../support/expect-one-story.js';
import { startSentinelGroup, type SentinelGroup } from '../support/redis-servers.js';
import {
  approveAsBob,
  askScaleup,
  CHANNEL,
  FINAL,
  runReaching,
} from '../support/scaleup-through-slack.js';

describe('a scale-up on Redis Sentinel, with the master killed twice', () => {
  let group: SentinelGroup;
  let stack: LocalStack;

  beforeAll(async () => {
    group = await startSentinelGroup('sentinel-failover');
    // EC2 answers in 200 ms, as a slow region does: the cutover lasts long enough to be hit.
    stack = await startLocalStack({
      label: 'sentinel',
      redis: group.target,
      world: { ec2LatencyMs: 200 },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await group?.close();
  });

  /** The master dies; the sentinels promote the replica; the dead one comes back as replica. */
  async function killTheMaster(): Promise<void> {
    const old = await group.master();
    await old.kill();
    await group.newMasterAfter(old);
    await old.restart();
    await group.replicasInSync();
  }

  it('finishes once, launches one instance, and tells every step', async () => {
    const before = [...stack.world.state.instances.keys()];
    const { runId, prompt } = await askScaleup(stack);

    // First failover: while the run waits for Bob.
    await killTheMaster();
    // The same bot, no restart: its connection finds the new master by itself, then Bob clicks.
    await waitFor(() => stack.bot.runtime.redis.ping(), {
      what: "the bot's connection to find the new master",
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
    // And the Slack thread says who approved and how it ended.
    const thread = JSON.stringify(stack.slack.store.allMessages(CHANNEL));
    expect(thread).toContain('U0BOB');
    expect(thread).toContain(runId);
  }, 300_000);
});
