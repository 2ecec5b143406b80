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
