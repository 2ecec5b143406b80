/**
 * One interactive VyOS shell over SSH, as netmiko and Ansible drive it: a PTY, the op or
 * config prompt awaited after every command (never sleep-and-hope), escape codes stripped,
 * the echoed command removed. Host keys are pinned; every wait has a deadline that says
 * what it waited for and what it saw last.
 */
import { connect } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { RouterError } from '../errors.js';
import type { Logger } from '../log.js';
import { fingerprintOf, hostKeyMatches, keyLineOf, parsePinnedKey } from './check-host-key.js';
import { cleanTerminalOutput } from './clean-terminal-output.js';
import { loadSsh2 } from './load-ssh2.js';
import { redactSecrets } from './redact-secrets.js';
import { assertIssuedCommand, RouterCommand } from './router-command.js';
import { detectPrompt, splitAtPrompts, type ShellMode } from './split-at-prompts.js';

export type { ShellMode } from './split-at-prompts.js';

export interface RouterEndpoint {
  host: string;
  port: number;
  user: string;
  /** The private key text (OpenSSH or PEM). Never logged. */
  privateKey: string;
  /** The pinned host key line, `ssh-ed25519 AAAA…`. */
  hostKey: string;
}

export interface RouterSessionOptions extends RouterEndpoint {
  name: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger?: Logger;
}

export interface CommandResult {
  /** What the router printed, cleaned: no echo, no prompt, LF line ends. Not redacted. */
  output: string;
  /** The prompt the shell ended on. */
  mode: ShellMode;
}

export interface RouterSession {
  readonly name: string;
  readonly isOpen: boolean;
  readonly mode: ShellMode;
  send(command: RouterCommand, timeoutMs?: number): Promise<CommandResult>;
  /**
   * Op-mode reads typed in one write and answered in one round trip: the outputs in order,
   * split at the prompts between them.
   */
  sendAll(commands: readonly RouterCommand[], timeoutMs?: number): Promise<CommandResult[]>;
  close(): void;
}

const TAIL_CHARS = 4096;

function lastWords(text: string): string {
  const shown = redactSecrets(cleanTerminalOutput(text)).trim().slice(-200);
  return shown === '' ? 'nothing at all' : JSON.stringify(shown);
}

function describeWait(expect: string): string {
  return expect === 'login'
    ? 'the op-mode prompt (user@host:~$) after login'
    : `the prompt after \`${redactSecrets(expect)}\``;
}

interface Waiter {
  /** The command lines typed, in order, or `login`. */
  expect: string[];
  resolve(results: CommandResult[]): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export async function openRouterSession(opts: RouterSessionOptions): Promise<RouterSession> {
  const { name } = opts;
  const log = opts.logger?.child({ router: name });
  const pinned = parsePinnedKey(opts.hostKey);
  let presented: Buffer | undefined;
  const { Client } = await loadSsh2();
  const client = new Client();

  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `${name} (${opts.host}:${opts.port}) did not complete ` +
              `the SSH handshake within ${opts.connectTimeoutMs} ms`,
            'check that the instance is running, its security group allows ' +
              'SSH from the bot, and routers.<name>.ssh.host/port are right',
          ),
        ),
      opts.connectTimeoutMs,
    );
    client.on('error', (err: Error & { level?: string }) => {
      if (presented && !hostKeyMatches(pinned, presented)) {
        const line = keyLineOf(presented);
        fail(
          new RouterError(
            'HOST_KEY',
            name,
            `${name} presented host key ${fingerprintOf(presented)}, which is ` +
              (pinned
                ? 'not the pinned key: it CHANGED'
                : 'not pinned (routers.' + name + '.ssh.hostKey is missing or unreadable)') +
              '; connection refused',
            `pin it: set routers.${name}.ssh.hostKey to '${line}' after checking ` +
              `it out of band (ssh-keyscan -t ed25519 -p ${opts.port} ${opts.host})`,
            { cause: err },
          ),
        );
      } else if (err.level === 'client-authentication') {
        fail(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `${name} refused flatnet's SSH key for user ${opts.user}`,
            `add the bot's public key to system login user ` +
              `${opts.user} authentication public-keys on ${name}`,
            { cause: err },
          ),
        );
      } else {
        fail(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `cannot reach ${name} at ${opts.host}:${opts.port}: ${describeSocketError(err)}`,
            'check that the instance is running and reachable on its SSH port',
            { cause: err },
          ),
        );
      }
    });
    client.on('ready', () => {
      client.shell({ term: 'vt100', cols: 512, rows: 200 }, (err, channel) => {
        if (err)
          return fail(
            new RouterError(
              'ROUTER_UNREACHABLE',
              name,
              `${name} accepted the login but refused a shell: ${err.message}`,
              'check the router user has a login shell (vbash)',
              { cause: err },
            ),
          );
        settled = true;
        clearTimeout(timer);
        resolve(channel);
      });
    });
    try {
      // Our own socket, so Nagle's algorithm can be turned off: a CLI conversation is many
      // small writes, and delayed ACKs would add tens of milliseconds to every command.
      const sock = connect({ host: opts.host, port: opts.port });
      sock.setNoDelay(true);
      sock.once('error', (err) =>
        fail(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `cannot reach ${name} at ${opts.host}:${opts.port}: ${describeSocketError(err)}`,
            'check that the instance is running and reachable on its SSH port',
            { cause: err },
          ),
        ),
      );
      client.connect({
        sock,
        host: opts.host,
        port: opts.port,
        username: opts.user,
        privateKey: opts.privateKey,
        // Straight to the key: a `none` attempt first (to learn the methods) costs a round trip.
        authHandler: ['publickey'],
        readyTimeout: opts.connectTimeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          presented = Buffer.from(key);
          return hostKeyMatches(pinned, presented);
        },
      });
    } catch (err) {
      // ssh2 throws synchronously for an unreadable private key: say so without the key.
      fail(
        new RouterError(
          'ROUTER_UNREACHABLE',
          name,
          `cannot use the SSH private key configured for ${name}: ${(err as Error).message}`,
          'check the bot key file (OpenSSH or PEM, not encrypted)',
        ),
      );
    }
  });

  let raw = '';
  // The last TAIL_CHARS of `raw`, kept apart: slicing the tail off `raw` flattens the whole
  // transcript on every chunk (a hub's is MB at 500 spokes), and 500 routers' answers arrive
  // in the same turn of the event loop.
  let tail = '';
  const append = (text: string) => {
    raw += text;
    tail = (tail + text).slice(-TAIL_CHARS);
  };
  const forget = () => {
    raw = '';
    tail = '';
  };
  let open = true;
  let mode: ShellMode = 'op';
  let waiter: Waiter | undefined;

  const finish = (result: CommandResult[] | Error) => {
    const w = waiter;
    if (!w) return;
    waiter = undefined;
    clearTimeout(w.timer);
    if (result instanceof Error) w.reject(result);
    else w.resolve(result);
  };

  const close = () => {
    if (!open) return;
    open = false;
    client.end();
    if (waiter) {
      finish(
        new RouterError(
          'ROUTER_UNREACHABLE',
          name,
          `the SSH session to ${name} was closed while waiting for ` +
            `${describeWait(waiter.expect.at(-1)!)}; last output: ${lastWords(raw)}`,
          'the next command reconnects; if this repeats, check the router',
        ),
      );
    }
  };

  // sshd sends what it read from the PTY, up to 16 KiB at a time, wherever that cuts: a
  // character split across two packets is decoded once both halves are here.
  const stdout = new StringDecoder('utf8');
  const stderr = new StringDecoder('utf8');
  stream.on('data', (chunk: Buffer) => {
    append(stdout.write(chunk));
    if (!waiter) return;
    // Only a transcript that ends with a prompt can be complete: look at the tail first.
    if (!detectPrompt(cleanTerminalOutput(tail))) return;
    const { expect } = waiter;
    const done = splitAtPrompts(cleanTerminalOutput(raw), expect);
    if (!done) return;
    forget();
    mode = done.mode;
    finish(done.outputs.map((output) => ({ output, mode: done.mode })));
  });
  stream.stderr.on('data', (chunk: Buffer) => {
    append(stderr.write(chunk));
  });
  stream.on('close', close);
  client.on('close', close);
  client.on('error', (err: Error) =>
    log?.warn({ err: redactSecrets(err.message) }, 'ssh connection error'),
  );

  const waitForPrompts = (expect: string[], timeoutMs: number) =>
    new Promise<CommandResult[]>((resolve, reject) => {
      if (!open) {
        reject(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `the SSH session to ${name} is closed`,
            'the next command reconnects',
          ),
        );
        return;
      }
      const timer = setTimeout(() => {
        const seen = lastWords(raw);
        const err = new RouterError(
          'TIMEOUT',
          name,
          `${name} did not show a prompt within ${timeoutMs} ms: ` +
            `waited for ${describeWait(expect.at(-1)!)}; last output: ${seen}`,
          'check the router by hand (ssh in and run the command); flatnet ' +
            'dropped this session and reconnects on the next command',
        );
        finish(err);
        close();
      }, timeoutMs);
      waiter = { expect, resolve, reject, timer };
      // The login prompt may already be in the buffer (banner and prompt sent at once).
      if (expect[0] === 'login') stream.emit('data', Buffer.alloc(0));
    });

  await waitForPrompts(['login'], opts.commandTimeoutMs).catch((err: unknown) => {
    close();
    throw err;
  });

  // Paging off and wide lines, so output arrives whole and tables are never wrapped: typed
  // ahead of the first command rather than waited for on their own (two round trips saved).
  let setup = [RouterCommand.op('terminalLength'), RouterCommand.op('terminalWidth')];
  let busy = false;
  const type = async (commands: readonly RouterCommand[], timeoutMs: number) => {
    for (const command of commands) assertIssuedCommand(command);
    if (busy)
      throw new RouterError(
        'ROUTER_COMMAND',
        name,
        `two commands were sent to ${name} at once`,
        'this is a flatnet bug: commands on one session must go through the pool queue',
      );
    const first = commands[0]!;
    const needed = first.mode === 'answer' ? 'question' : first.mode;
    if (needed !== mode) {
      throw new RouterError(
        'ROUTER_COMMAND',
        name,
        `\`${redactSecrets(first.text)}\` needs ${needed} mode but ${name} is in ${mode} mode`,
        'this is a flatnet bug: report it with the run id',
      );
    }
    const typed = mode === 'op' ? [...setup, ...commands] : commands;
    if (mode === 'op') setup = [];
    busy = true;
    try {
      for (const c of commands) log?.debug({ command: redactSecrets(c.text) }, 'router command');
      // Whatever arrived since the last prompt (a wall broadcast) is not this command's output,
      // and a stray prompt in it must not end this command's wait early.
      forget();
      const pending = waitForPrompts(
        typed.map((c) => c.text),
        timeoutMs,
      );
      stream.write(typed.map((c) => `${c.text}\n`).join(''));
      return (await pending).slice(typed.length - commands.length);
    } finally {
      busy = false;
    }
  };
  const session: RouterSession = {
    name,
    get isOpen() {
      return open;
    },
    get mode() {
      return mode;
    },
    async send(command: RouterCommand, timeoutMs = opts.commandTimeoutMs) {
      return (await type([command], timeoutMs))[0]!;
    },
    async sendAll(commands, timeoutMs = opts.commandTimeoutMs) {
      if (commands.length === 0) return [];
      const notRead = commands.find((c) => c.mode !== 'op' || c.text === 'configure');
      if (notRead)
        throw new RouterError(
          'ROUTER_COMMAND',
          name,
          `\`${redactSecrets(notRead.text)}\` cannot be typed ahead with other commands`,
          'this is a flatnet bug: only op-mode reads are sent together',
        );
      return type(commands, timeoutMs);
    },
    close,
  };

  return session;
}

/**
 * One network condition, one wording: a far side that drops the TCP connection during the
 * handshake shows up as ssh2's "Connection lost before handshake" or as the socket's "read
 * ECONNRESET" depending on which notices first (and "write EPIPE" when we were writing).
 */
export function describeSocketError(err: Error): string {
  if (/Connection lost before handshake|ECONNRESET|EPIPE|socket hang up/i.test(err.message))
    return 'the connection was closed before the SSH handshake finished';
  return err.message;
}
