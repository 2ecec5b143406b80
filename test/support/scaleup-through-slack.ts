/**
 * A scale-up driven as people drive it, for the Redis HA tests and bench: Alice asks
 * `/router scaleup` in the channel, the run waits for approval, Bob clicks Approve on the
 * prompt. Each piece is separate so a test can kill Redis between them.
 */
import type { Run } from '../../src/runbook/types.js';
import type { SimMessage } from '../../src/sim/slack/types.js';
import { waitFor } from '../../src/util/wait-for.js';
import type { LocalStack } from '../helpers/local-stack.js';

export const CHANNEL = 'C0NETOPS';
export const HUB = 'hub-tokyo-a';
export const FINAL: Run['status'][] = [
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
  'expired',
];

/** The run, once `ok`; a read that fails (Redis failing over) counts as "not yet". */
export function runReaching(
  stack: LocalStack,
  runId: string,
  ok: (run: Run) => boolean,
  what: string,
): Promise<Run> {
  return waitFor(
    async () => {
      const run = await stack.bot.runtime.engine.get(runId).catch(() => undefined);
      return run && ok(run) ? run : undefined;
    },
    { what: `run ${runId} ${what}`, timeoutMs: 90_000, intervalMs: 25 },
  );
}

/** Alice asks; resolves with the run id and Bob's prompt once the run waits for approval. */
export async function askScaleup(
  stack: LocalStack,
): Promise<{ runId: string; prompt: SimMessage }> {
  const reply = await stack.slack.slashCommand({
    user: 'U0ALICE',
    channel: CHANNEL,
    command: '/router',
    text: `scaleup ${HUB}`,
  });
  const said = JSON.stringify(reply.json ?? reply.body);
  const runId = /Started (r-[a-z0-9]{6})/.exec(said)?.[1];
  if (!runId) throw new Error(`no run started: ${said}`);
  await runReaching(stack, runId, (r) => r.status === 'awaiting-approval', 'to wait for approval');
  const prompt = await waitFor(
    () =>
      stack.slack.store.allMessages(CHANNEL).find((m) => {
        const blocks = JSON.stringify(m.blocks ?? []);
        return blocks.includes(runId) && blocks.includes('run_approve');
      }),
    { what: 'the approval prompt', timeoutMs: 10_000 },
  );
  return { runId, prompt };
}

/** Bob clicks Approve (Slack gets its ack at once; the decision follows). */
export async function approveAsBob(stack: LocalStack, prompt: SimMessage): Promise<number> {
  const click = await stack.slack.clickButton({
    user: 'U0BOB',
    channel: CHANNEL,
    messageTs: prompt.ts,
    actionId: 'run_approve',
  });
  return click.status;
}
