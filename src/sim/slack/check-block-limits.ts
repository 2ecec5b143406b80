import type { SlackBlock } from './types.js';

/**
 * The Block Kit limits real Slack enforces, so the bot's builders fail here in a test
 * instead of in front of an operator. The error codes are Slack's own; `messages` follow
 * Slack's `response_metadata.messages` style (`[ERROR] … [json-pointer:/blocks/3/text]`).
 */
export interface BlockLimitProblem {
  error:
    'invalid_blocks' | 'msg_too_long' | 'msg_blocks_too_long' | 'no_text' | 'invalid_blocks_format';
  messages: string[];
}

export const MESSAGE_LIMITS = {
  maxBlocks: 50,
  maxModalBlocks: 100,
  /** chat.postMessage truncates at 40 000 characters of `text` and refuses beyond. */
  maxTextChars: 40_000,
  /** Observed: a message whose blocks carry more than about 13 k characters of text is refused. */
  maxBlocksTextChars: 13_000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  blockId: 255,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
} as const;

type Obj = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Obj).text === 'string')
    return (value as Obj).text as string;
  return undefined;
}

function checkElement(el: Obj, path: string, out: string[]): void {
  if (typeof el.action_id === 'string' && el.action_id.length > MESSAGE_LIMITS.actionId) {
    out.push(
      `[ERROR] must be less than ${MESSAGE_LIMITS.actionId + 1} ` +
        `characters [json-pointer:${path}/action_id]`,
    );
  }
  if (el.type === 'button') {
    const text = textOf(el.text);
    if (text === undefined) out.push(`[ERROR] missing required field: text [json-pointer:${path}]`);
    else if (text.length > MESSAGE_LIMITS.buttonText) {
      out.push(
        `[ERROR] must be less than ${MESSAGE_LIMITS.buttonText + 1} ` +
          `characters [json-pointer:${path}/text]`,
      );
    }
    if (typeof el.value === 'string' && el.value.length > MESSAGE_LIMITS.buttonValue) {
      out.push(
        `[ERROR] must be less than ${MESSAGE_LIMITS.buttonValue + 1} ` +
          `characters [json-pointer:${path}/value]`,
      );
    }
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
      out.push(`[ERROR] must be one of primary, danger [json-pointer:${path}/style]`);
    }
  }
}

function checkBlock(block: Obj, path: string, out: string[]): number {
  let chars = 0;
  if (typeof block.type !== 'string') {
    out.push(`[ERROR] missing required field: type [json-pointer:${path}]`);
    return 0;
  }
  if (typeof block.block_id === 'string' && block.block_id.length > MESSAGE_LIMITS.blockId) {
    out.push(
      `[ERROR] must be less than ${MESSAGE_LIMITS.blockId + 1} ` +
        `characters [json-pointer:${path}/block_id]`,
    );
  }
  const text = textOf(block.text);
  if (text !== undefined) chars += text.length;
  switch (block.type) {
    case 'section': {
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : [];
      if (text === undefined && fields.length === 0) {
        out.push(`[ERROR] must provide either text or fields [json-pointer:${path}]`);
      }
      if (text !== undefined && text.length > MESSAGE_LIMITS.sectionText) {
        out.push(
          `[ERROR] must be less than ${MESSAGE_LIMITS.sectionText + 1} ` +
            `characters [json-pointer:${path}/text/text]`,
        );
      }
      if (fields.length > MESSAGE_LIMITS.sectionFields) {
        out.push(
          `[ERROR] must provide no more than ${MESSAGE_LIMITS.sectionFields} ` +
            `items [json-pointer:${path}/fields]`,
        );
      }
      fields.forEach((f, i) => {
        const t = textOf(f) ?? '';
        chars += t.length;
        if (t.length > MESSAGE_LIMITS.fieldText) {
          out.push(
            `[ERROR] must be less than ${MESSAGE_LIMITS.fieldText + 1} ` +
              `characters [json-pointer:${path}/fields/${i}/text]`,
          );
        }
      });
      if (block.accessory && typeof block.accessory === 'object')
        checkElement(block.accessory as Obj, `${path}/accessory`, out);
      break;
    }
    case 'header':
      if (text === undefined)
        out.push(`[ERROR] missing required field: text [json-pointer:${path}]`);
      else if (text.length > MESSAGE_LIMITS.headerText) {
        out.push(
          `[ERROR] must be less than ${MESSAGE_LIMITS.headerText + 1} ` +
            `characters [json-pointer:${path}/text/text]`,
        );
      }
      break;
    case 'actions': {
      const elements = Array.isArray(block.elements) ? (block.elements as Obj[]) : [];
      if (elements.length === 0)
        out.push(`[ERROR] missing required field: elements [json-pointer:${path}]`);
      if (elements.length > MESSAGE_LIMITS.actionsElements) {
        out.push(
          `[ERROR] must provide no more than ${MESSAGE_LIMITS.actionsElements} ` +
            `items [json-pointer:${path}/elements]`,
        );
      }
      elements.forEach((el, i) => checkElement(el, `${path}/elements/${i}`, out));
      break;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? (block.elements as unknown[]) : [];
      if (elements.length === 0)
        out.push(`[ERROR] missing required field: elements [json-pointer:${path}]`);
      if (elements.length > MESSAGE_LIMITS.contextElements) {
        out.push(
          `[ERROR] must provide no more than ${MESSAGE_LIMITS.contextElements} ` +
            `items [json-pointer:${path}/elements]`,
        );
      }
      for (const el of elements) chars += (textOf(el) ?? '').length;
      break;
    }
    default:
      break;
  }
  return chars;
}

/**
 * Check a message's text and blocks as chat.postMessage / chat.update would. `blocks` is
 * what the WebClient sent: an array, or a JSON string in a form body (parsed by the caller).
 */
export function checkMessageLimits(
  text: string | undefined,
  blocks: unknown,
  options: { maxBlocks?: number; requireText?: boolean } = {},
): BlockLimitProblem | undefined {
  const maxBlocks = options.maxBlocks ?? MESSAGE_LIMITS.maxBlocks;
  if (blocks !== undefined && !Array.isArray(blocks)) {
    return {
      error: 'invalid_blocks_format',
      messages: ['[ERROR] blocks must be an array [json-pointer:/blocks]'],
    };
  }
  const list = (blocks ?? []) as SlackBlock[];
  if ((options.requireText ?? true) && !text && list.length === 0) {
    return { error: 'no_text', messages: ['[ERROR] a message needs text or blocks'] };
  }
  if (text !== undefined && text.length > MESSAGE_LIMITS.maxTextChars) {
    return {
      error: 'msg_too_long',
      messages: [
        `[ERROR] text is ${text.length} characters; the limit is ${MESSAGE_LIMITS.maxTextChars}`,
      ],
    };
  }
  const messages: string[] = [];
  if (list.length > maxBlocks) {
    messages.push(`[ERROR] no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  }
  let chars = 0;
  list.forEach((b, i) => {
    if (!b || typeof b !== 'object')
      messages.push(`[ERROR] must be an object [json-pointer:/blocks/${i}]`);
    else chars += checkBlock(b as Obj, `/blocks/${i}`, messages);
  });
  if (messages.length > 0) return { error: 'invalid_blocks', messages };
  if (chars > MESSAGE_LIMITS.maxBlocksTextChars) {
    return {
      error: 'msg_blocks_too_long',
      messages: [
        `[ERROR] blocks carry ${chars} characters of text; keep ` +
          `a message under ${MESSAGE_LIMITS.maxBlocksTextChars}`,
      ],
    };
  }
  return undefined;
}
