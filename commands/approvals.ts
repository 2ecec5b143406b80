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
      const claimed = action.value ?? '';
      let runId = claimed;
      let answer: { ok: boolean; message: string };
      try {
        const channel = body.container?.channel_id ?? body.channel?.id ?? '';
        const ts = body.container?.message_ts ?? body.message?.ts ?? '';
        const owner = channel && ts ? await prompts.runOf(channel, ts) : undefined;
        runId = owner ?? claimed;
        if (!owner || !RUN_ID.test(owner)) {
          answer = {
            ok: false,
            message:
              'that button is not on a flatnet approval prompt ' +
              '(or the prompt is gone); nothing was decided',
          };
        } else if (claimed !== owner) {
          log?.warn(
            { runId: owner, claimed, user: body.user.id },
            'approval button value does not match its prompt',
          );
          answer = {
            ok: false,
            message: `that button does not belong to run ${owner}'s prompt; nothing was decided`,
          };
        } else answer = await decider.decide(owner, body.user.id, decision);
      } catch (err) {
        // Logged with its stack; the person who clicked is told nothing was decided.
        log?.error({ err, runId, user: body.user.id, decision }, 'approval click failed');
        const why = err instanceof FlatnetError ? `: ${describeError(err)}` : ' (logged)';
        answer = {
          ok: false,
          message:
            `flatnet could not record your click on run ${runId}${why}; ` +
            'nothing was decided, click again in a moment',
        };
      }
      if (!answer.ok)
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: answer.message,
        });
    });
  }
}
