/**
 * Reading a VyOS shell transcript: where a prompt is, which mode it says, and how a transcript
 * of several commands typed at once splits into each command's output.
 *
 * Commands typed ahead in one write are read by bash's readline one line at a time: it echoes
 * a line when it reads it, after the previous command's prompt (the terminal does not echo
 * while readline owns it), so the transcript is `echo₁ out₁ prompt echo₂ out₂ prompt …`.
 */
export type ShellMode = 'op' | 'config' | 'question';

// `vyos@hub-tokyo-a:~$ `; `[edit …]` then `vyos@hub-tokyo-a# `; commit-confirm's `[Y/n]`.
const OP_PROMPT = /(?:^|\n)[^\s@]+@[^\s:@]+:[^\n$#]*\$[ \t]*$/;
const CONFIG_PROMPT = /(?:^|\n)\[edit(?: [^\]\n]*)?\][ \t]*\n[^\s@]+@[^\s:#@]+#[ \t]*$/;
const QUESTION = /\[[Yy]\/[Nn]\][ \t:]*$/;
/** The same prompts anywhere in a transcript, each followed by the next command's echo. */
const ANY_PROMPT = new RegExp(
  `(?:${OP_PROMPT.source.slice(0, -1)})|(?:${CONFIG_PROMPT.source.slice(0, -1)})`,
  'g',
);

/** The prompt the text ends with, if any. */
export function detectPrompt(tail: string): { mode: ShellMode; index: number } | undefined {
  for (const [mode, re] of [
    ['config', CONFIG_PROMPT],
    ['op', OP_PROMPT],
    ['question', QUESTION],
  ] as const) {
    const m = re.exec(tail);
    if (m) return { mode, index: m.index };
  }
  return undefined;
}

/**
 * The outputs of `commands`, typed at once, from a clean transcript that ends with a prompt:
 * undefined while fewer prompts than commands have arrived (a prompt between two commands).
 */
export function splitAtPrompts(
  transcript: string,
  commands: readonly string[],
): { outputs: string[]; mode: ShellMode } | undefined {
  const end = detectPrompt(transcript);
  if (!end) return undefined;
  const body = transcript.slice(0, end.index);
  const between = [...body.matchAll(ANY_PROMPT)];
  if (between.length < commands.length - 1) return undefined;
  const outputs: string[] = [];
  let from = 0;
  for (const [i, command] of commands.entries()) {
    const prompt = i < commands.length - 1 ? between[i]! : undefined;
    const to = prompt ? prompt.index : body.length;
    outputs.push(stripEcho(body.slice(from, to), command));
    from = prompt ? prompt.index + prompt[0].length : body.length;
  }
  return { outputs, mode: end.mode };
}

/**
 * Drop the echoed command (the PTY echoes what we type) and the blank line VyOS adds around
 * output.
 */
export function stripEcho(body: string, command: string): string {
  const lines = body.split('\n');
  const echoAt = lines.findIndex((l) => l.trim() !== '');
  if (echoAt >= 0 && command !== 'login' && lines[echoAt]!.trim().endsWith(command))
    lines.splice(0, echoAt + 1);
  return lines.join('\n').replace(/^\n+/, '').replace(/\s+$/, '');
}
