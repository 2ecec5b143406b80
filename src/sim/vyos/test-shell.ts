/**
 * A tiny prompt-driven client for tests of the emulator (the real driver lives in
 * src/vyos): opens an interactive shell with a PTY over ssh2, sends a line and waits for
 * the op-mode or config-mode prompt.
 */
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';

/** `vyos@host:~$ ` or `vyos@host# ` at the very end of what was received. */
export const PROMPT = /[\w.-]+@[\w.-]+(:~\$|#) $/;

export interface TestShellOptions {
  host: string;
  port: number;
  privateKey: string;
  username?: string;
  timeoutMs?: number;
}

export class TestShell {
  /** Everything received so far, CRs included. */
  transcript = '';
  closed = false;
  private cursor = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly client: ssh2.Client,
    readonly stream: ClientChannel,
    private readonly timeoutMs: number,
  ) {
    stream.on('data', (data: Buffer) => {
      this.transcript += data.toString('utf8');
      this.notify();
    });
    stream.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Wait until the unread output matches; returns it (CRLF → LF) and marks it read. */
  async waitFor(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const unread = this.transcript.slice(this.cursor);
      if (pattern.test(unread)) {
        this.cursor = this.transcript.length;
        return unread.replace(/\r\n/g, '\n');
      }
      if (this.closed)
        throw new Error(
          `session closed while waiting for ${pattern}; got: ${JSON.stringify(unread)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${pattern}; got: ${JSON.stringify(unread)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Send one line and return its output: without the echoed command and the final prompt
   * (the `[edit]` line of a config prompt included).
   */
  async run(line: string, until: RegExp = PROMPT): Promise<string> {
    this.stream.write(`${line}\n`);
    const text = await this.waitFor(until);
    const lines = text.split('\n');
    if (lines[0]?.trimEnd() === line.trimEnd()) lines.shift();
    if (until === PROMPT) {
      lines.pop();
      if (lines.at(-1) === '[edit]') lines.pop();
    }
    return lines.join('\n');
  }

  close(): void {
    this.client.end();
  }
}

export async function openTestShell(options: TestShellOptions): Promise<TestShell> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({
      host: options.host,
      port: options.port,
      username: options.username ?? 'vyos',
      privateKey: options.privateKey,
      readyTimeout: options.timeoutMs ?? 10_000,
    });
  });
  client.on('error', () => {});
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: 'vt100', rows: 24, cols: 200 }, (err, channel) =>
      err ? reject(err) : resolve(channel),
    );
  });
  const shell = new TestShell(client, stream, options.timeoutMs ?? 10_000);
  await shell.waitFor(PROMPT);
  return shell;
}
