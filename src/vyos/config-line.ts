/**
 * The only way a configuration change is spelled for the router shell. vbash is a shell and
 * VyOS accepts `a;reboot` as a peer name, so every word and value is checked here, against
 * patterns narrower than VyOS's own, before a byte reaches the session.
 *
 * Quoting follows VyOS's own `show configuration commands` (vyos1x-config
 * `Config_tree.Renderer.render_commands`): path words and tag names bare, every value in
 * single quotes, whatever it holds (`address 'dhcp'`, `description 'outside (EIP) & NAT!'`).
 * Inside single quotes bash expands nothing (no `$`, backtick, `!` history, `&`, `;`), so any
 * printable ASCII is safe there but the quote itself. VyOS prints a value's `'` as is
 * (`'Bob's office'`, which bash would not read back); flatnet types it the bash way,
 * `'Bob'\''s office'` (close, escaped quote, reopen), so vbash hands VyOS the value byte for
 * byte. Refused: control characters (a newline would end the command), `?` (vbash binds it to
 * the completion help, so it never reaches the value) and non-ASCII.
 */
import { BadInputError } from '../errors.js';
import type { ConfigLine } from './types.js';

export type { ConfigLine } from './types.js';

/** Path words: node names, tag values, addresses, CIDRs, base64 keys. No quoting needed. */
const PATH_WORD = /^[A-Za-z0-9._/:+=][A-Za-z0-9._/:+=-]{0,127}$/;
/** Printable ASCII but `?`: single-quoted (`'` typed as `'\''`), nothing in it is special. */
const VALUE = /^[\x20-\x3e\x40-\x7e]{1,1024}$/;
const PEER_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_PATH_WORDS = 16;

/** Show a rejected string without echoing control bytes or a 10 kB paste back at the operator. */
export function describeRejected(text: string): string {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return `${shown} (${text.length} characters)`;
}

export function assertPathWord(word: string): void {
  if (typeof word !== 'string' || !PATH_WORD.test(word)) {
    throw new BadInputError(
      `configuration path word ${describeRejected(String(word))} is not allowed`,
      'use 1–128 ASCII letters, digits and . _ - / : + = only (no ' +
        'spaces, quotes, $, ;, backticks or newlines, not starting with -)',
    );
  }
}

/** What is wrong with a refused value, in the operator's words. */
function valueProblem(value: string): string {
  if (value.length === 0) return 'the value is empty';
  if (value.length > 1024) return `the value has ${value.length} characters`;
  // eslint-disable-next-line no-control-regex -- refusing control bytes is the check
  if (/[\x00-\x1f\x7f]/.test(value))
    return 'it holds a control character (a newline or tab ends or breaks the command)';
  if (value.includes('?')) return "it holds '?', which VyOS's shell takes as a request for help";
  return 'it holds a character outside printable ASCII';
}

export function assertConfigValue(value: string): void {
  if (typeof value !== 'string' || !VALUE.test(value)) {
    throw new BadInputError(
      `configuration value ${describeRejected(String(value))} is not allowed`,
      `use 1–1024 printable ASCII characters: ${valueProblem(String(value))}`,
    );
  }
}

/** Peer names end up as VyOS tag nodes and in file names: keep them boring. */
export function assertPeerName(name: string): void {
  if (typeof name !== 'string' || !PEER_NAME.test(name)) {
    throw new BadInputError(
      `peer name ${describeRejected(String(name))} is not allowed: ` +
        'a peer name is 1–32 characters: letters, digits, - and _ only',
      'choose a name such as alice-laptop or office_osaka',
    );
  }
}

/**
 * Why a line read from a router could not be typed back into vbash, without repeating its
 * value (it may be a secret); undefined when renderConfigLine takes it.
 */
export function configLineProblem(line: ConfigLine): string | undefined {
  if (line.path.length === 0 || line.path.length > MAX_PATH_WORDS)
    return `it has ${line.path.length} path words (flatnet types 1 to ${MAX_PATH_WORDS})`;
  const word = line.path.find((w) => !PATH_WORD.test(w));
  if (word !== undefined)
    return `the name ${describeRejected(word)} holds characters flatnet does not type unquoted`;
  if (line.value !== undefined && !VALUE.test(line.value)) return valueProblem(line.value);
  return undefined;
}

export function assertConfigLine(line: ConfigLine): void {
  if (line.op !== 'set' && line.op !== 'delete') {
    throw new BadInputError(
      `configuration operation ${describeRejected(String(line.op))} is not allowed`,
      "use 'set' or 'delete'",
    );
  }
  if (!Array.isArray(line.path) || line.path.length === 0 || line.path.length > MAX_PATH_WORDS) {
    throw new BadInputError(
      `configuration path has ${Array.isArray(line.path) ? line.path.length : 0} words`,
      `give between 1 and ${MAX_PATH_WORDS} path words`,
    );
  }
  for (const word of line.path) assertPathWord(word);
  if (line.value !== undefined) assertConfigValue(line.value);
}

/**
 * `set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'`; throws BadInputError
 * first.
 */
export function renderConfigLine(line: ConfigLine): string {
  assertConfigLine(line);
  const head = `${line.op} ${line.path.join(' ')}`;
  return line.value === undefined ? head : `${head} ${quoteConfigValue(line.value)}`;
}

/** `'value'` as bash reads it back byte for byte: a `'` inside becomes `'\''`. */
export function quoteConfigValue(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** Shorthand for renderers: `set(['interfaces', 'wireguard', 'wg0', 'port'], '51820')`. */
export function set(path: string[], value?: string): ConfigLine {
  return value === undefined ? { op: 'set', path } : { op: 'set', path, value };
}

export function del(path: string[]): ConfigLine {
  return { op: 'delete', path };
}
