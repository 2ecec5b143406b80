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
  /**
   * An unquoted `(`, `)`, `&`, `<`, `>` or backtick: bash gives it a meaning (a subshell, a
   * background job, a redirection, a command substitution), never a value's. The shell
   * refuses the whole line the way bash does (`syntax error near unexpected token`).
   */
  shellSyntax?: string;
}

const SHELL_SYNTAX = new Set(['(', ')', '&', '<', '>', '`']);

/** bash's complaint about the first unquoted shell character of a line, if any. */
export function shellSyntaxError(tokens: readonly CliToken[]): string | undefined {
  const bad = tokens.find((t) => t.shellSyntax !== undefined)?.shellSyntax;
  return bad === undefined ? undefined : `-vbash: syntax error near unexpected token \`${bad}'`;
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
    let shellSyntax: string | undefined;
    while (i < line.length) {
      const c = line[i] as string;
      if (c === ' ' || c === '\t' || c === '|' || c === ';') break;
      if (SHELL_SYNTAX.has(c)) shellSyntax ??= c;
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
    tokens.push(shellSyntax === undefined ? { text, quoted } : { text, quoted, shellSyntax });
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

/**
 * vyos1x-config's `Util.escape_string` (OCaml's `String.escaped` that leaves UTF-8 alone):
 * `"` and `\` get a backslash, newline, tab, CR and backspace become `\n \t \r \b`, other
 * control bytes `\ddd` in decimal. A single quote is left as it is.
 */
const VYOS_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\b': '\\b',
};

export function escapeVyosString(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- control bytes are what VyOS escapes
    /["\\\x00-\x1f\x7f]/g,
    (c) => VYOS_ESCAPES[c] ?? `\\${String(c.charCodeAt(0)).padStart(3, '0')}`,
  );
}

/**
 * A value as `show configuration commands` and `compare commands` print it (vyos1x-config
 * `Config_tree.Renderer.render_set_path`): `'` + escape_string value + `'`, always quoted,
 * a `'` inside printed as is (`'Bob's office'`: VyOS's output is not always bash input).
 */
export function quoteValue(value: string): string {
  return `'${escapeVyosString(value)}'`;
}
