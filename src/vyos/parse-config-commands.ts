/**
 * `show configuration commands` → ConfigLine[], read the way VyOS writes it (vyos1x-config
 * `Config_tree.Renderer.render_commands`): `set`, the path words and tag names bare and
 * separated by one space, then, on a leaf, the value in single quotes. Every value is quoted,
 * so the quote is what tells a value from a tag. Inside the quotes VyOS escapes with
 * `Util.escape_string` (`"` → `\"`, `\` → `\\`, newline, tab, CR, backspace → `\n \t \r \b`,
 * other control bytes → `\ddd` in decimal) and leaves a `'` as it is: `'Bob's office'`. So the
 * value runs from the first word that opens with a quote to the quote that ends the line.
 * Lines are returned as read, not validated: applying them again goes through renderConfigLine,
 * which refuses what cannot be typed back (checkCopiedConfig says so before a scale-up).
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import type { ConfigLine } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  '"': '"',
  '\\': '\\',
};

/** vyos1x-config's `Util.escape_string`, for showing a value as VyOS itself would. */
export function escapeVyosValue(value: string): string {
  const named = Object.fromEntries(Object.entries(ESCAPES).map(([k, v]) => [v, `\\${k}`]));
  return value.replace(
    // eslint-disable-next-line no-control-regex -- control bytes are what VyOS escapes
    /["\\\x00-\x1f\x7f]/g,
    (c) => named[c] ?? `\\${String(c.charCodeAt(0)).padStart(3, '0')}`,
  );
}

/** The reverse of vyos1x-config's `Util.escape_string`. */
export function unescapeVyosValue(text: string): string {
  return text.replace(/\\(\d{3}|.)/g, (all, code: string) =>
    code.length === 3 ? String.fromCharCode(Number(code)) : (ESCAPES[code] ?? all),
  );
}

/** One `set …`/`delete …` line, or undefined when it is not in VyOS's shape. */
export function parseConfigCommand(line: string): ConfigLine | undefined {
  const m = /^(set|delete) (.+)$/.exec(line.trim());
  if (!m) return undefined;
  const op = m[1] as 'set' | 'delete';
  const rest = m[2] as string;
  const quote = rest.startsWith("'") ? 0 : rest.indexOf(" '");
  if (quote === -1) return { op, path: rest.split(/ +/) };
  const value = rest.slice(quote === 0 ? 1 : quote + 2);
  if (quote === 0 || value.length === 0 || !value.endsWith("'")) return undefined;
  return {
    op,
    path: rest.slice(0, quote).split(/ +/),
    value: unescapeVyosValue(value.slice(0, -1)),
  };
}

export function parseConfigCommands(raw: string): ConfigLine[] {
  const text = cleanTerminalOutput(raw);
  const lines: ConfigLine[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const parsed = parseConfigCommand(trimmed);
    if (parsed) lines.push(parsed);
    else if (trimmed !== '' && !/^(set|delete)\s/.test(trimmed)) unreadable++;
  }
  if (lines.length === 0 && unreadable > 0) {
    throw unreadableOutput(
      'show configuration commands',
      '"set …" lines',
      findCliError(text) ?? text,
    );
  }
  return lines;
}
