/**
 * Honest words (issue 12 item 6) through the bot, Slack and the emulators: `/vpn status` and
 * `/router status` give EC2's instance state ("stopped" only when EC2 says stopped; a router
 * whose VyOS died while EC2 says running is "running but not answering SSH"), and one network
 * condition is worded the same in both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../src/runbook/types.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeEach(async () => {
  stack = await startOnboardingStack();
});
afterEach(async () => {
  await stack?.close();
});

const STOPPED = 'spoke-oregon';
const DEAD = 'spoke-ireland';

async function ask(command: '/vpn' | '/router', text: string): Promise<Run> {
  const reply = await stack.slack.slashCommand({
    user: 'U0ALICE',
    channel: 'C0NETOPS',
    command,
    text,
  });
  const runId = /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json ?? reply.body))?.[1];
  expect(runId, JSON.stringify(reply.json ?? reply.body)).toBeDefined();
  const run = await stack.waitForRun(runId!);
  expect(run.status, run.outcome).toBe('succeeded');
  return run;
}

describe('EC2 state and SSH wording in the status commands', () => {
  it(
    'says stopped only when EC2 does, and words a dead ' +
      'SSH the same in /vpn status and /router status',
    async () => {
      const { world } = stack;
      world.setRouterDown(STOPPED, true, 'instance');
      world.setRouterDown(DEAD, true, 'power');
      const stateOf = (name: string) =>
        world.state.getInstance(world.router(name).instanceId)?.state;
      await waitFor(() => stateOf(STOPPED) === 'stopped', 'EC2 to stop the instance');
      expect(stateOf(DEAD)).toBe('running');

      const status = await ask('/vpn', 'status');
      const problems = (status.steps[0]?.result as { problems: { where: string; text: string }[] })
        .problems;
      const textOf = (where: string) => problems.find((p) => p.where === where)?.text ?? '';
      expect(textOf(STOPPED)).toMatch(/^instance stopped \(EC2\)/);
      expect(textOf(DEAD)).toMatch(/^instance running \(EC2\) but not answering SSH: /);
      expect(textOf(DEAD)).not.toContain('stopped');
      const sshWords = textOf(DEAD).replace(
        /^instance running \(EC2\) but not answering SSH: /,
        '',
      );

      const router = await ask('/router', `status ${DEAD}`);
      expect(router.outcome).toContain('running');
      expect(router.outcome).not.toContain('stopped');
      expect(router.outcome).toContain(`could not read load (SSH): ${sshWords}`);
      const stopped = await ask('/router', `status ${STOPPED}`);
      expect(stopped.outcome).toMatch(/· stopped/);
    },
  );
});
