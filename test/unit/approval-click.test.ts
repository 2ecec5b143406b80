import { describe, expect, it } from 'vitest';
import { answerClick, type Click, type RunDecider } from '../../commands/approvals.js';

/** A decider that records what it was asked and says yes. */
function recordingDecider(): RunDecider & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    decide: async (runId, user, decision) => {
      asked.push(`${runId} ${user} ${decision}`);
      return { ok: true, message: 'decided' };
    },
  };
}

const click: Click = {
  channel: 'C0NETOPS',
  ts: '1700000000.000100',
  claimed: 'r-abc123',
  user: 'U0BOB',
  decision: 'approve',
};

describe('a click on Approve', () => {
  it('decides the run of a prompt that is indexed a moment after it was posted', async () => {
    // The click races the reporter: the prompt is in Slack, its index not yet in Redis.
    let looks = 0;
    const prompts = { runOf: async () => (++looks < 3 ? undefined : 'r-abc123') };
    const decider = recordingDecider();
    const answer = await answerClick({ decider, prompts, indexWaitMs: 2_000 }, click);
    expect(answer.ok).toBe(true);
    expect(decider.asked).toEqual(['r-abc123 U0BOB approve']);
    expect(looks).toBe(3);
  });

  it('refuses a button on no prompt once the wait is over, and decides nothing', async () => {
    const decider = recordingDecider();
    const answer = await answerClick(
      { decider, prompts: { runOf: async () => undefined }, indexWaitMs: 0 },
      click,
    );
    expect(answer).toMatchObject({ ok: false });
    expect(answer.message).toContain('not on a flatnet approval prompt');
    expect(decider.asked).toEqual([]);
  });

  it('refuses a button whose value claims another run than its prompt', async () => {
    const decider = recordingDecider();
    const answer = await answerClick(
      { decider, prompts: { runOf: async () => 'r-zzz999' } },
      click,
    );
    expect(answer.message).toContain("does not belong to run r-zzz999's prompt");
    expect(decider.asked).toEqual([]);
  });
});
