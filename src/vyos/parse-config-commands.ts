/**
 * `show configuration commands` → ConfigLine[]. VyOS quotes every leaf value and never a
 * path word, so the quote is what tells a value from a tag. Lines are returned as read, not
 * validated: applying them again goes through renderConfigLine, which refuses what is unsafe.
 */
import { cleanTerminalOutput } from './clean-terminal-output.js';
import type { ConfigLine } from './types.js';
import { findCliError, unreadableOutput } from './unreadable-output.js';

interface Token {
  text: string;
  quoted: boolean;
}

function tokenize(line: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+))/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(line)) !== null) {
    if (m[0].trim() === '') break;
    consumed = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ text: m[1].replace(/\\(.)/g, '$1'), quoted: true });
    else if (m[2] !== undefined) tokens.push({ text: m[2].replace(/\\(.)/g, '$1'), quoted: true });
    else tokens.push({ text: m[3] ?? '', quoted: false });
  }
  // An unterminated quote leaves text unread: not a line we understand.
  return line.slice(consumed).trim() === '' ? tokens : undefined;
}

export function parseConfigCommands(raw: string): ConfigLine[] {
  const text = cleanTerminalOutput(raw);
  const lines: ConfigLine[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!/^(set|delete)\s/.test(trimmed)) {
      if (trimmed !== '') unreadable++;
      continue;
    }
    const tokens = tokenize(trimmed);
    if (!tokens || tokens.length < 2) continue;
    const op = tokens[0]!.text as 'set' | 'delete';
    const words = tokens.slice(1);
    const last = words[words.length - 1]!;
    if (last.quoted && words.length > 1) {
      lines.push({ op, path: words.slice(0, -1).map((t) => t.text), value: last.text });
    } else {
      lines.push({ op, path: words.map((t) => t.text) });
    }
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
