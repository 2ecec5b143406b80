import type { Block } from '../slack/chat-port.js';

/**
 * A Slack message as terminal text. The CLI prints exactly this, so `flatnet run "/vpn
 * status"` says what the bot would post: same words, same order, emoji and mrkdwn markers
 * turned into plain symbols, mentions and links into readable text.
 */
export function blocksToText(blocks: Block[]): string {
  return blocks
    .map(renderBlock)
    .filter((s) => s !== '')
    .join('\n');
}

const RULE = '─'.repeat(40);

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'header': {
      const text = plainOf(block.text);
      return `${text}\n${'═'.repeat(Math.min(Math.max(text.length, 3), 60))}`;
    }
    case 'section': {
      const out: string[] = [];
      const text = plainOf(block.text);
      const accessory = renderElement(block.accessory);
      if (text) out.push(accessory ? `${text}  ${accessory}` : text);
      else if (accessory) out.push(accessory);
      if (Array.isArray(block.fields)) out.push(renderFields(block.fields as unknown[]));
      return out.join('\n');
    }
    case 'context':
      return arrayOf(block.elements).map(renderElement).filter(Boolean).join('  ');
    case 'divider':
      return RULE;
    case 'actions':
      return arrayOf(block.elements).map(renderElement).filter(Boolean).join(' ');
    case 'image':
      return `[image: ${typeof block.alt_text === 'string' ? block.alt_text : ''}]`;
    case 'rich_text':
      return richText(block);
    default:
      return plainOf(block.text);
  }
}

function renderElement(element: unknown): string {
  if (typeof element !== 'object' || element === null) return '';
  const e = element as { type?: string; text?: unknown; alt_text?: unknown; placeholder?: unknown };
  switch (e.type) {
    case 'button':
      return `[${plainOf(e.text)}]`;
    case 'image':
      return typeof e.alt_text === 'string' && e.alt_text ? `[${e.alt_text}]` : '';
    case 'mrkdwn':
    case 'plain_text':
      return plainOf(e);
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return `[${plainOf(e.placeholder) || 'choose'} ▾]`;
    default:
      return '';
  }
}

/** Section fields as aligned "label  value" lines (Slack shows them as a two-column grid). */
function renderFields(fields: unknown[]): string {
  const rows = fields.map((f) => {
    const text = plainOf(f);
    const nl = text.indexOf('\n');
    return nl === -1
      ? { label: text, value: '' }
      : { label: text.slice(0, nl), value: text.slice(nl + 1).replace(/\n/g, ' ') };
  });
  const width = Math.max(...rows.filter((r) => r.value).map((r) => r.label.length), 0);
  return rows.map((r) => (r.value ? `${r.label.padEnd(width)}  ${r.value}` : r.label)).join('\n');
}

function richText(block: Block): string {
  const walk = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return '';
    const n = node as {
      text?: unknown;
      elements?: unknown;
      user_id?: unknown;
      url?: unknown;
      name?: unknown;
      type?: string;
    };
    if (n.type === 'user' && typeof n.user_id === 'string') return `@${n.user_id}`;
    if (n.type === 'emoji' && typeof n.name === 'string')
      return emojiSymbol(n.name) ?? `:${n.name}:`;
    if (typeof n.text === 'string') return n.text;
    if (n.type === 'link' && typeof n.url === 'string') return n.url;
    return arrayOf(n.elements).map(walk).join('');
  };
  return walk(block);
}

function plainOf(textObject: unknown): string {
  if (typeof textObject !== 'object' || textObject === null) return '';
  const t = textObject as { type?: unknown; text?: unknown };
  if (typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text) : replaceEmoji(t.text);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/**
 * mrkdwn to plain text. Code spans are kept verbatim (only their entities decoded), so a
 * `snake_case` name or a `*` in a router command is never taken for formatting.
 */
export function mrkdwnToText(text: string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, i) => {
      if (i % 2 === 1)
        return unescapeEntities(
          part.startsWith('```') ? part.slice(3, -3).replace(/^\n|\n$/g, '') : part.slice(1, -1),
        );
      return unescapeEntities(stripMarkers(replaceEmoji(replaceTokens(part))));
    })
    .join('');
}

/**
 * `<@U1>` → `@U1`, `<!channel>` → `@channel`, `<url|label>` → `label (url)`, `<!date^…|fallback>` →
 * fallback.
 */
function replaceTokens(text: string): string {
  return text.replace(/<([^<>\n]+)>/g, (_m, inner: string) => {
    const [target = '', label] = splitOnce(inner, '|');
    if (target.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : target;
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!subteam^'))
      return label ? `@${label.replace(/^@/, '')}` : `@${target.slice(9)}`;
    if (target.startsWith('!date^')) return label ?? target;
    if (target.startsWith('!')) return `@${target.slice(1)}`;
    return label ? `${label} (${target})` : target;
  });
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Bold, italic and strike markers, only where Slack would read them (at word edges). */
function stripMarkers(text: string): string {
  let out = text;
  for (const m of ['\\*', '_', '~']) {
    const re = new RegExp(`(^|[^\\w${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?=$|[^\\w${m}])`, 'gm');
    out = out.replace(re, '$1$2');
  }
  return out;
}

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const EMOJI: Record<string, string> = {
  white_check_mark: '✔',
  heavy_check_mark: '✔',
  x: '✖',
  red_circle: '✖',
  large_green_circle: '✔',
  large_yellow_circle: '◐',
  white_circle: '○',
  warning: '⚠',
  hourglass_flowing_sand: '⧗',
  hourglass: '⧗',
  leftwards_arrow_with_hook: '↩',
  heavy_minus_sign: '–',
  raised_hand: '✋',
  no_entry_sign: '⊘',
  no_entry: '⊘',
  alarm_clock: '◷',
  bangbang: '‼',
  information_source: 'ℹ',
  arrow_right: '→',
  soon: '…',
};

export function emojiSymbol(name: string): string | undefined {
  return EMOJI[name];
}

/** Known shortcodes become symbols; unknown ones stay as typed (so "14:05:02" is left alone). */
function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}
