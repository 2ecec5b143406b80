/**
 * The only way a configuration change is spelled for the router shell. vbash is a shell and
 * VyOS accepts `a;reboot` as a peer name, so every word and value is checked here, against
 * patterns narrower than VyOS's own, before a byte reaches the session.
 */
import { BadInputError } from '../errors.js';
import type { ConfigLine } from './types.js';

export type { ConfigLine } from './types.js';

/** Path words: node names, tag values, addresses, CIDRs, base64 keys. No quoting needed. */
const PATH_WORD = /^[A-Za-z0-9._/:+=][A-Za-z0-9._/:+=-]{0,127}$/;
/** Values are single-quoted, so a space is harmless; a quote, `$`, `;`, backtick or newline never is. */
const VALUE = /^[A-Za-z0-9._/:+=@,-][A-Za-z0-9 ._/:+=@,-]{0,1023}$/;
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
      'use 1–128 ASCII letters, digits and . _ - / : + = only (no spaces, quotes, $, ;, backticks or newlines, not starting with -)',
    );
  }
}

export function assertConfigValue(value: string): void {
  if (typeof value !== 'string' || !VALUE.test(value)) {
    throw new BadInputError(
      `configuration value ${describeRejected(String(value))} is not allowed`,
      'use 1–1024 ASCII letters, digits, spaces and . _ - / : + = @ , only (no quotes, $, ;, backticks or newlines)',
    );
  }
}

/** Peer names end up as VyOS tag nodes and in file names: keep them boring. */
export function assertPeerName(name: string): void {
  if (typeof name !== 'string' || !PEER_NAME.test(name)) {
    throw new BadInputError(
      `peer name ${describeRejected(String(name))} is not allowed: a peer name is 1–32 characters: letters, digits, - and _ only`,
      'choose a name such as alice-laptop or office_osaka',
    );
  }
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

/** `set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'`; throws BadInputError first. */
export function renderConfigLine(line: ConfigLine): string {
  assertConfigLine(line);
  const head = `${line.op} ${line.path.join(' ')}`;
  return line.value === undefined ? head : `${head} '${line.value}'`;
}

/** Shorthand for renderers: `set(['interfaces', 'wireguard', 'wg0', 'port'], '51820')`. */
export function set(path: string[], value?: string): ConfigLine {
  return value === undefined ? { op: 'set', path } : { op: 'set', path, value };
}

export function del(path: string[]): ConfigLine {
  return { op: 'delete', path };
}
