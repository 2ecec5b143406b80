/**
 * Split a VyOS CLI line into words the way vbash does for `set`/`delete`: single quotes are
 * literal, double quotes allow backslash escapes, bare words end at whitespace. Unquoted `|`
 * and `;` are reported as separators because vbash gives them their shell meaning (a pipe to
 * `match`/`no-more`, or a second command) — which is why flatnet must quote every value.
 */
export interface CliToken {
  text: string;
  /** True when any part of the word was quoted: `'|'` is a value, `|` is a pipe. */
  quoted: boolean;
  separator?: '|' | ';';
}

export function tokenizeCliLine(line: string): CliToken[] {
  const tokens: CliToken[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '|' || ch === ';') {
      tokens.push({ text: ch, quoted: false, separator: ch });
      i++;
      continue;
    }
    let text = '';
    let quoted = false;
    while (i < line.length) {
      const c = line[i] as string;
      if (c === ' ' || c === '\t' || c === '|' || c === ';') break;
      if (c === "'") {
        quoted = true;
        const end = line.indexOf("'", i + 1);
        const stop = end === -1 ? line.length : end;
        text += line.slice(i + 1, stop);
        i = stop + 1;
      } else if (c === '"') {
        quoted = true;
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length) i++;
          text += line[i];
          i++;
        }
        i++;
      } else if (c === '\\' && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    tokens.push({ text, quoted });
  }
  return tokens;
}

/** Split tokens at unquoted `;` into separate commands (vbash runs them one after another). */
export function splitCommands(tokens: CliToken[]): CliToken[][] {
  const commands: CliToken[][] = [[]];
  for (const token of tokens) {
    if (token.separator === ';') commands.push([]);
    else (commands[commands.length - 1] as CliToken[]).push(token);
  }
  return commands.filter((c) => c.length > 0);
}

/** Render a value the way `show configuration commands` does: always single-quoted. */
export function quoteValue(value: string): string {
  // A single quote inside a single-quoted bash word has to close, escape and reopen.
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
