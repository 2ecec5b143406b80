/**
 * Issue 17 §1 and §5: flatnet on Redis Sentinel follows a master failover without a restart,
 * and a scale-up survives two: the master is killed (SIGKILL) while the run waits for Bob's
 * approval, and again while the cutover moves the Elastic IP. The real bot (in-process worker),
 * the local Slack, the simulated world; a master, a replica and three sentinels started here.
 * The run finishes once, one instance is launched, and every step is told in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, RunEvent } from '../../src/runbook/types.js';
import { waitFor } from '../../src/util/wait-for.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { startSentinelGroup, type SentinelGroup } from '../support/redis-servers.js';

const CHANNEL = 'C0NETOPS';
const HUB = 'hub-tokyo-a';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'expired'];

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

  /** The run as Redis has it now; undefined while the bot's connection is failing over. */
  const runNow = (runId: string) => stack.bot.runtime.engine.get(runId).catch(() => undefined);
  const runReaching = (runId: string, ok: (run: Run) => boolean, what: string) =>
    waitFor(
      async () => {
        const run = await runNow(runId);
        return run && ok(run) ? run : undefined;
      },
      { what: `run ${runId} ${what}`, timeoutMs: 90_000, intervalMs: 25 },
    );

  /** The master dies; the sentinels promote the replica; the dead one comes back as replica. */
  async function killTheMaster(): Promise<void> {
    const old = await group.master();
    await old.kill();
    await group.newMasterAfter(old);
    await old.restart();
    await group.replicasInSync();
  }

  it('finishes once, launches one instance, and tells every step', async () => {
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

    // First failover: while the run waits for Bob.
    await killTheMaster();
    // The same bot, no restart: its connection finds the new master by itself, then Bob clicks.
    await waitFor(() => stack.bot.runtime.redis.ping(), {
      what: "the bot's connection to find the new master",
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const click = await stack.slack.clickButton({
      user: 'U0BOB',
      channel: CHANNEL,
      messageTs: prompt.ts,
      actionId: 'run_approve',
    });
    expect(click.status).toBe(200);
    await runReaching(runId, (r) => r.status !== 'awaiting-approval', 'to be approved');

    // Second failover: in the cutover, while the Elastic IP moves.
    const atKill = await runReaching(
      runId,
      (r) => r.steps.some((s) => s.id === 'move-elastic-ip' && s.status === 'running'),
      'to be moving the Elastic IP',
    );
    await killTheMaster();
    expect(atKill.status).toBe('running');

    const run = await runReaching(runId, (r) => FINAL.includes(r.status), 'to finish');
    expect(run.status, run.outcome).toBe('succeeded');

    // One instance launched, and it is the hub now.
    const launched = [...stack.world.state.instances.values()].filter(
      (i) => !originalIds.includes(i.instanceId),
    );
    expect(launched.map((i) => i.tags['Name'])).toEqual([HUB]);

    // The story without gaps: approved once, each step started then finished, finished once.
    const events = (await stack.bot.runtime.engine.store.readEvents(runId)).map((e) => e.event);
    const count = (type: RunEvent['type']) => events.filter((e) => e.type === type).length;
    expect(count('approved')).toBe(1);
    expect(count('finished')).toBe(1);
    for (const step of run.steps) {
      const started = events.findIndex((e) => e.type === 'step-started' && e.stepId === step.id);
      const finished = events.findIndex((e) => e.type === 'step-finished' && e.stepId === step.id);
      expect(step.status, step.id).toBe('done');
      expect(started, `${step.id} started`).toBeGreaterThanOrEqual(0);
      expect(finished, `${step.id} finished after it started`).toBeGreaterThan(started);
    }
    // And the Slack thread says who approved and how it ended.
    const thread = JSON.stringify(stack.slack.store.allMessages(CHANNEL));
    expect(thread).toContain('U0BOB');
    expect(thread).toContain(runId);
  }, 300_000);
});
