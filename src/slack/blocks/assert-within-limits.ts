import type { Block } from '../chat-port.js';
import { LIMITS, type ChatText } from './chat-text.js';

/**
 * Throw if a message would be refused by Slack (or come close to `msg_blocks_too_long`).
 * Builders are written to stay inside; tests call this on everything they build, so a
 * builder that grows past a limit fails in CI instead of in an operator's thread.
 */
export function assertWithinLimits(message: ChatText): void {
  const problems = limitProblems(message);
  if (problems.length > 0) {
    throw new Error(
      `message breaks Slack's Block Kit limits: ${problems.join('; ')} ` +
        '— shorten it or split it into thread replies',
    );
  }
}

export function messageChars(message: ChatText): number {
  return JSON.stringify(message.blocks).length;
}

export function limitProblems(message: ChatText): string[] {
  const problems: string[] = [];
  const { blocks } = message;
  if (message.text.length === 0) problems.push('fallback text is empty');
  if (message.text.length > LIMITS.fallbackText)
    problems.push(`fallback text has ${message.text.length} chars (max ${LIMITS.fallbackText})`);
  if (blocks.length > LIMITS.blocksPerMessage)
    problems.push(`${blocks.length} blocks (max ${LIMITS.blocksPerMessage})`);
  const total = messageChars(message);
  if (total > LIMITS.maxMessageChars)
    problems.push(`${total} chars of blocks (max ${LIMITS.maxMessageChars})`);
  blocks.forEach((block, i) =>
    problems.push(...blockProblems(block).map((p) => `block ${i} (${block.type}): ${p}`)),
  );
  return problems;
}

function blockProblems(block: Block): string[] {
  const problems: string[] = [];
  const textOf = (v: unknown): string => (isTextObject(v) ? v.text : '');
  if (typeof block.block_id === 'string' && block.block_id.length > LIMITS.blockId)
    problems.push('block_id too long');
  switch (block.type) {
    case 'section': {
      const text = textOf(block.text);
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : [];
      if (!text && fields.length === 0) problems.push('section without text or fields');
      if (text.length > LIMITS.sectionText)
        problems.push(`text has ${text.length} chars (max ${LIMITS.sectionText})`);
      if (fields.length > LIMITS.fieldsPerSection)
        problems.push(`${fields.length} fields (max ${LIMITS.fieldsPerSection})`);
      for (const f of fields)
        if (textOf(f).length > LIMITS.fieldText)
          problems.push(`field has ${textOf(f).length} chars (max ${LIMITS.fieldText})`);
      break;
    }
    case 'header': {
      const text = textOf(block.text);
      if (text.length > LIMITS.headerText)
        problems.push(`header has ${text.length} chars (max ${LIMITS.headerText})`);
      break;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? (block.elements as unknown[]) : [];
      if (elements.length === 0 || elements.length > LIMITS.contextElements)
        problems.push(`${elements.length} context elements (1..${LIMITS.contextElements})`);
      for (const e of elements)
        if (textOf(e).length > LIMITS.sectionText) problems.push('context text too long');
      break;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? (block.elements as unknown[]) : [];
      if (elements.length === 0 || elements.length > LIMITS.actionsElements)
        problems.push(`${elements.length} actions (1..${LIMITS.actionsElements})`);
      for (const e of elements) {
        const button = e as { text?: unknown; value?: unknown; action_id?: unknown };
        if (textOf(button.text).length > LIMITS.buttonText) problems.push('button text too long');
        if (typeof button.value === 'string' && button.value.length > LIMITS.buttonValue)
          problems.push('button value too long');
        if (typeof button.action_id === 'string' && button.action_id.length > LIMITS.blockId)
          problems.push('action_id too long');
      }
      break;
    }
    default:
      break;
  }
  return problems;
}

function isTextObject(v: unknown): v is { type: string; text: string } {
  return typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string';
}
