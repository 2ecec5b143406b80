/**
 * Issue 17 §5, the same story for every Redis topology: Alice asks `/router scaleup`; Redis's
 * master is killed while the run waits for Bob; the same bot, not restarted, takes Bob's
 * click; the master is killed again while the cutover moves the Elastic IP. The run must
 * finish once with one instance launched, every step told in order, and the thread must say
 * who approved. `killTheMaster` resolves once the topology has a master again.
 */
import { expect } from 'vitest';
import type { RunEvent } from '../../src/runbook/types.js';
import { waitFor } from '../../src/util/wait-for.js';
import type { LocalStack } from '../helpers/local-stack.js';
import { expectOneStory } from './expect-one-story.js';
import { approveAsBob, askScaleup, CHANNEL, FINAL, runReaching } from './scaleup-through-slack.js';

export async function scaleupThroughTwoFailovers(
  stack: LocalStack,
  killTheMaster: () => Promise<void>,
): Promise<RunEvent[]> {
  const before = [...stack.world.state.instances.keys()];
  const { runId, prompt } = await askScaleup(stack);

  // First failover: while the run waits for Bob.
  await killTheMaster();
  // The same bot, no restart: its connection finds the new master by itself, then Bob clicks.
  await waitFor(() => stack.bot.runtime.engine.get(runId), {
    what: "the bot's connection to reach the new master",
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
  const events = await expectOneStory(stack, run, before);
  // And the Slack thread says who approved and how it ended.
  const thread = JSON.stringify(stack.slack.store.allMessages(CHANNEL));
  expect(thread).toContain('U0BOB');
  expect(thread).toContain(runId);
  return events;
}
