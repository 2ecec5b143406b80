import type { Block } from '../chat-port.js';

/**
 * One message as the bot would post it: `text` is the notification / fallback line (what a
 * phone shows), `blocks` is what the channel shows. The CLI prints `blocksToText(blocks)`.
 */
export interface ChatText {
  text: string;
  blocks: Block[];
}

/**
 * Slack's Block Kit limits (see docs/reference: slack-bullmq.md). `maxMessageChars` is ours:
 * Slack rejects big messages with `msg_blocks_too_long` around 13 k characters of blocks,
 * well below the sum of the per-block limits, so every builder stays under 12 k.
 */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  blockId: 255,
  fallbackText: 3000,
  maxMessageChars: 12_000,
} as const;

/** A mrkdwn text object. */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text };
}

export function section(text: string): Block {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(...texts: string[]): Block {
  return { type: 'context', elements: texts.map(mrkdwn) };
}

export function divider(): Block {
  return { type: 'divider' };
}
