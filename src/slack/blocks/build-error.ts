import type { Block } from '../chat-port.js';
import { context, section, type ChatText } from './chat-text.js';
import { escapeKeepingMentions } from './escape-mrkdwn.js';
import { truncate } from './truncate.js';

/** An error as a person reads it: the problem in bold, the fix under it. */
export function buildError(message: string, hint?: string): ChatText {
  const blocks: Block[] = [section(truncate(`:x: *${escapeKeepingMentions(message)}*`, 2900))];
  if (hint) blocks.push(context(truncate(escapeKeepingMentions(hint), 2900)));
  return { text: truncate(hint ? `${message} — ${hint}` : message, 300), blocks };
}

/**
 * Every problem of a command at once, each with its fix, so the person fixes them in one go.
 */
export function buildErrors(problems: ReadonlyArray<{ message: string; hint?: string }>): ChatText {
  if (problems.length === 1) return buildError(problems[0]!.message, problems[0]!.hint);
  const blocks: Block[] = [section(`:x: *That command has ${problems.length} problems:*`)];
  for (const { message, hint } of problems) {
    blocks.push(section(truncate(`• *${escapeKeepingMentions(message)}*`, 2900)));
    if (hint) blocks.push(context(truncate(escapeKeepingMentions(hint), 2900)));
  }
  const text = problems.map((p) => (p.hint ? `${p.message} — ${p.hint}` : p.message)).join('; ');
  return { text: truncate(text, 300), blocks };
}
