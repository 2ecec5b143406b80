import type { Run, RunEvent } from '../../runbook/types.js';
import { section, type ChatText } from '../blocks/chat-text.js';
import { commandCode, commandLineOf } from '../blocks/describe-run.js';
import { escapeKeepingMentions, escapeMrkdwn, mention } from '../blocks/escape-mrkdwn.js';
import { formatClock } from '../../util/format-time.js';
import { truncate } from '../blocks/truncate.js';
import { codeBlocks } from '../blocks/code-blocks.js';

/**
 * The one-line thread replies for events a person should notice (a decision, a failure, an
 * undo), as opposed to progress, which only edits the checklist. Undefined: no reply.
 */
export function eventReply(run: Run, event: RunEvent): ChatText | undefined {
  const step = event.stepId ? run.steps.find((s) => s.id === event.stepId) : undefined;
  const title = step ? `*${escapeMrkdwn(step.title)}*` : 'a step';
  const who = event.user ? mention(event.user) : 'someone';
  switch (event.type) {
    case 'approved':
      return run.status === 'awaiting-approval'
        ? line(`:white_check_mark: ${who} approved — waiting for another approver`)
        : line(`:white_check_mark: Approved by ${who} — starting`);
    case 'rejected':
      return line(`:no_entry_sign: Rejected by ${who} — nothing was changed`);
    case 'expired':
      return line(
        `:alarm_clock: Approval expired at ${formatClock(run.approval?.expiresAt ?? event.at)}` +
          ` — nothing was changed; ask again with ${commandCode(run)}`,
      );
    case 'step-failed': {
      const error = event.text ?? step?.error ?? 'no error text';
      return line(`:x: ${title} failed: ${escapeMrkdwn(error)}`);
    }
    case 'undo-started':
      return line(
        ':leftwards_arrow_with_hook: ' +
          (event.text ? escapeMrkdwn(event.text) : 'Undoing the completed steps, newest first'),
      );
    case 'step-undone':
      if (step?.status === 'undo-failed') {
        return line(
          `:bangbang: Could not undo ${title}: ` +
            `${escapeMrkdwn(event.text ?? step.error ?? 'no error text')} — check it by hand`,
        );
      }
      return line(
        `:leftwards_arrow_with_hook: Undid ${title}` +
          ((event.text ?? step?.detail)
            ? `: ${escapeKeepingMentions(event.text ?? step?.detail ?? '')}`
            : ''),
      );
    case 'note': {
      // Notes normally fold into the running step of the checklist; one outside any step is said
      // aloud, and one of several lines (configuration) with its body in code blocks.
      if (!event.text) return undefined;
      const [head = '', ...body] = event.text.split('\n');
      const said = line(`:information_source: ${escapeKeepingMentions(head)}`);
      return body.length > 0
        ? { ...said, blocks: [...said.blocks, ...codeBlocks(body.join('\n'))] }
        : said;
    }
    default:
      return undefined;
  }

  function line(text: string): ChatText {
    const mrkdwn = truncate(text, 2900);
    return {
      text: truncate(`${commandLineOf(run)} (${run.id}): ${plain(text)}`, 300),
      blocks: [section(mrkdwn)],
    };
  }
}

/** The notification text: no emoji codes or markers on a phone's lock screen. */
function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/:[a-z_]+: /g, '')
    .replace(/\*/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
