/**
 * Configuration text (a `compare`, the lines a copy would change) as Slack users expect it: in
 * code blocks, split between lines and never inside one, each block within a section's limit,
 * as many as one message holds. What does not fit is said after the last block, counted in
 * whole lines ("… and 12 more lines"), never cut mid-line.
 */
import type { Block } from '../chat-port.js';
import { LIMITS, context, section } from './chat-text.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { chunkLines } from './truncate.js';

/** Characters of configuration per message, leaving room for the line above it. */
const CONFIG_BUDGET = LIMITS.maxMessageChars - 1_000;
/** A section's text holds the fences too. */
const BLOCK_CHARS = 2_900 - '```\n\n```'.length;

export function codeBlocks(text: string, budget = CONFIG_BUDGET): Block[] {
  // Triple backticks inside would end the block early: shown as look-alike quotes.
  const lines = text.split('\n').map((l) => escapeMrkdwn(l).replace(/`/g, 'ˋ'));
  let used = 0;
  let fit = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    used += line.length + 1;
    fit++;
  }
  const blocks = chunkLines(lines.slice(0, fit), BLOCK_CHARS).map((chunk) =>
    section('```\n' + chunk + '\n```'),
  );
  const more = lines.length - fit;
  if (more > 0) blocks.push(context(`… and ${more} more line${more === 1 ? '' : 's'}`));
  return blocks;
}
