/**
 * The interactive vbash session behind a PTY: echoes what the client types (readline style:
 * typed-ahead lines are echoed when they are read, after the next prompt), writes CRLF line
 * endings, prints the op-mode or the two-line config-mode prompt, and runs one line at a time.
 */
import { shellSyntaxError, splitCommands, tokenizeCliLine } from './parse-cli-words.js';
import { runOpCommand } from './run-op-command.js';
import { runConfigCommand } from './run-config-command.js';
import type { ConfigTree } from './config-tree.js';
import type { VyosRouter } from './vyos-router.js';

export interface ShellIo {
  write(text: string): void;
  /** End the session (logout); the transport closes the channel with this exit code. */
  close(exitCode: number): void;
}

export function motd(router: VyosRouter): string[] {
  const train = { '1.3': 'equuleus', '1.4': 'sagitta', '1.5': 'circinus' }[router.version];
  return [
    'Welcome to VyOS!',
    '',
    '   ┌── ┐',
    `   . VyOS ${router.version}`,
    `   └ ──┘  ${train}`,
    '',
    ` * Documentation:  https://docs.vyos.io/en/${train}`,
    ' * Project news:   https://blog.vyos.io',
    ' * Bug reports:    https://vyos.dev',
    '',
    'You can change this banner using "set system login banner post-login" command.',
    '',
  ];
}

export class VyosShell {
  private mode: 'op' | 'config' = 'op';
  private working: ConfigTree | undefined;
  private pending = '';
  private echoed = 0;
  private busy = false;
  private closed = false;
  private lineWaiter: ((line: string) => void) | undefined;

  constructor(
    private readonly router: VyosRouter,
    private readonly io: ShellIo,
    private readonly username = 'vyos',
  ) {}

  start(): void {
    this.print(motd(this.router));
    this.writePrompt();
  }

  /** Bytes typed by the client. */
  feed(data: string): void {
    if (this.closed) return;
    this.pending += data;
    this.pump();
  }

  /** The transport went away: stop without writing anything. */
  abandon(): void {
    this.closed = true;
    this.lineWaiter = undefined;
  }

  private write(text: string): void {
    if (!this.closed) this.io.write(text);
  }

  private print(lines: string[]): void {
    if (lines.length > 0) this.write(`${lines.join('\r\n')}\r\n`);
  }

  private prompt(): string {
    const host = this.router.hostName;
    return this.mode === 'op'
      ? `${this.username}@${host}:~$ `
      : `[edit]\r\n${this.username}@${host}# `;
  }

  private writePrompt(): void {
    this.write(this.prompt());
  }

  /** Take one complete line (echoing it), or echo the partial line and return undefined. */
  private takeLine(): string | undefined {
    const end = this.pending.search(/[\r\n]/);
    if (end === -1) {
      this.echo(this.pending.slice(this.echoed));
      this.echoed = this.pending.length;
      return undefined;
    }
    const raw = this.pending.slice(0, end);
    this.echo(raw.slice(this.echoed));
    this.write('\r\n');
    const terminatorLength = this.pending.startsWith('\r\n', end) ? 2 : 1;
    this.pending = this.pending.slice(end + terminatorLength);
    this.echoed = 0;
    let line = '';
    for (const ch of raw) {
      if (ch === '\x7f' || ch === '\b') line = line.slice(0, -1);
      else if (ch === '\x03') line = '\x03';
      else if (ch >= ' ' || ch === '\t') line += ch;
    }
    return line;
  }

  private echo(text: string): void {
    if (text.length === 0) return;
    /* eslint-disable no-control-regex -- a terminal echoes control characters this way */
    this.write(
      text
        .replace(/[\x7f\b]/g, '\b \b')
        .replace(/\x03/g, '^C')
        .replace(/[\x00-\x07\x0e-\x1f]/g, ''),
    );
    /* eslint-enable no-control-regex */
  }

  private pump(): void {
    if (this.closed) return;
    if (this.lineWaiter) {
      const line = this.takeLine();
      if (line === undefined) return;
      const waiter = this.lineWaiter;
      this.lineWaiter = undefined;
      waiter(line);
      return;
    }
    if (this.busy) return;
    const line = this.takeLine();
    if (line === undefined) return;
    this.busy = true;
    this.runLine(line)
      .catch((err: unknown) => this.print([`Internal error: ${(err as Error).message}`]))
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }

  private ask(question: string): Promise<string> {
    this.write(question);
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.pump();
    });
  }

  private async runLine(line: string): Promise<void> {
    if (line.includes('\x03')) return this.writePrompt();
    const words = tokenizeCliLine(line);
    const syntax = shellSyntaxError(words);
    if (syntax !== undefined) {
      // bash parses the whole line before it runs any of it.
      this.print([syntax]);
      return this.writePrompt();
    }
    for (const tokens of splitCommands(words)) {
      if (this.closed) return;
      if (this.mode === 'op') {
        const result = runOpCommand(this.router, tokens);
        this.print(result.lines);
        if (result.action === 'configure') {
          this.mode = 'config';
          this.working = this.router.active.clone();
        } else if (result.action === 'logout') {
          this.write('logout\r\n');
          this.closed = true;
          this.io.close(0);
          return;
        }
        continue;
      }
      const working = this.working ?? this.router.active.clone();
      const result = await runConfigCommand(
        { router: this.router, working, print: (l) => this.print(l), ask: (q) => this.ask(q) },
        tokens,
      );
      if (this.closed) return;
      this.working =
        result.loaded ?? (result.discardWorking ? this.router.active.clone() : working);
      if (result.leave) {
        this.mode = 'op';
        this.working = undefined;
      }
    }
    this.writePrompt();
  }
}

/** `exec` requests: one op-mode command, output, exit status; no prompt, no echo. */
export function runExecCommand(
  router: VyosRouter,
  command: string,
): { output: string; exitCode: number } {
  const lines: string[] = [];
  let exitCode = 0;
  for (const tokens of splitCommands(tokenizeCliLine(command))) {
    const result = runOpCommand(router, tokens);
    lines.push(...result.lines);
    if (result.exitCode) exitCode = result.exitCode;
  }
  return { output: lines.length > 0 ? `${lines.join('\n')}\n` : '', exitCode };
}
