/**
 * Approve / Reject buttons. The click is only a request: the engine checks it on the server
 * (approver, not the requester, still waiting, not expired) atomically, and the reporter
 * updates the prompt from the resulting event. A refused click gets a private answer.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { describeError, FlatnetError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../src/slack/blocks/index.js';
import type { Run } from '../src/runbook/types.js';
import { sleep } from '../src/util/wait-for.js';

export interface RunDecider {
  decide(
    runId: string,
    user: string,
    decision: 'approve' | 'reject',
  ): Promise<{ ok: boolean; message: string; run?: Run }>;
}

const RUN_ID = /^r-[a-z0-9]{6}$/;

/** Which run a prompt message belongs to (src/slack/reporter/thread-store.ts). */
export interface PromptLookup {
  runOf(channel: string, ts: string): Promise<string | undefined>;
}

export function registerApprovalButtons(
  app: App,
  decider: RunDecider,
  prompts: PromptLookup,
  log?: Logger,
): void {
  for (const [actionId, decision] of [
    [APPROVE_ACTION_ID, 'approve'],
    [REJECT_ACTION_ID, 'reject'],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const answer = await answerClick(
        { decider, prompts, ...(log ? { log } : {}) },
        {
          channel: body.container?.channel_id ?? body.channel?.id ?? '',
          ts: body.container?.message_ts ?? body.message?.ts ?? '',
          claimed: action.value ?? '',
          user: body.user.id,
          decision,
        },
      );
      if (!answer.ok)
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: answer.message,
        });
    });
  }
}

/**
 * A prompt is posted before it is indexed (its ts exists only once Slack has answered the
 * post), so a click in that moment finds no owner yet: it waits for the index this long
 * before it is answered as a button that is not on a prompt. The ack is already sent.
 */
export const PROMPT_INDEX_WAIT_MS = 5_000;

export interface ClickDeps {
  decider: RunDecider;
  prompts: PromptLookup;
  log?: Logger;
  /** How long a click waits for a prompt just posted to be indexed (default above). */
  indexWaitMs?: number;
}

export interface Click {
  channel: string;
  ts: string;
  /** The button's value: only a claim, checked against the prompt's owner. */
  claimed: string;
  user: string;
  decision: 'approve' | 'reject';
}

/** One click on Approve or Reject, decided for the run whose prompt was clicked. */
export async function answerClick(
  deps: ClickDeps,
  click: Click,
): Promise<{ ok: boolean; message: string }> {
  const { claimed, user, decision } = click;
  let runId = claimed;
  try {
    const owner =
      click.channel && click.ts
        ? await ownerOf(deps.prompts, click, deps.indexWaitMs ?? PROMPT_INDEX_WAIT_MS)
        : undefined;
    runId = owner ?? claimed;
    if (!owner || !RUN_ID.test(owner))
      return {
        ok: false,
        message:
          'that button is not on a flatnet approval prompt ' +
          '(or the prompt is gone); nothing was decided',
      };
    if (claimed !== owner) {
      deps.log?.warn(
        { runId: owner, claimed, user },
        'approval button value does not match its prompt',
      );
      return {
        ok: false,
        message: `that button does not belong to run ${owner}'s prompt; nothing was decided`,
      };
    }
    return await deps.decider.decide(owner, user, decision);
  } catch (err) {
    // Logged with its stack; the person who clicked is told nothing was decided.
    deps.log?.error({ err, runId, user, decision }, 'approval click failed');
    const why = err instanceof FlatnetError ? `: ${describeError(err)}` : ' (logged)';
    return {
      ok: false,
      message:
        `flatnet could not record your click on run ${runId}${why}; ` +
        'nothing was decided, click again in a moment',
    };
  }
}

async function ownerOf(
  prompts: PromptLookup,
  at: { channel: string; ts: string },
  waitMs: number,
): Promise<string | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    const owner = await prompts.runOf(at.channel, at.ts);
    if (owner !== undefined || Date.now() >= until) return owner;
    await sleep(100);
  }
}
