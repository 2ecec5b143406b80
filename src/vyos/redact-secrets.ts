/**
 * Masks secrets in any text that came from or goes to a router: transcripts, `compare`
 * output, error messages, rendered files shown in a thread. The value after a secret-bearing
 * keyword becomes `[redacted]`; the keyword stays so the reader knows a secret was there.
 * A keyword is also just a word in a router's complaint ("private-key not defined"), so a
 * bare word after it is masked only where it is a value: in a `set` line or a config.boot
 * statement, after `=`, or when it looks like a key or secret (see `looksLikeSecret`).
 * Quoted values are always masked.
 */

const MASK = '[redacted]';

// Keywords whose next token is a secret, in every dialect flatnet meets: VyOS `set` lines
// and config.boot, `wg show`, wg-quick, swanctl, AWS's XML/JSON/Query names.
const KEYWORDS = [
  'private-key',
  'private key',
  'private_key',
  'privatekey',
  'preshared-key',
  'preshared key',
  'presharedkey',
  'pre-shared-key',
  'preSharedKey',
  'pre_shared_key',
  'pre-shared-secret',
  'shared-secret',
  'secret',
  'password',
  'plaintext-password',
  'encrypted-password',
  'token',
];

const keywordAlternation = KEYWORDS.map((k) =>
  k.replace(/[-\s]/g, (c) => (c === '-' ? '\\-' : '\\s')),
)
  .sort((a, b) => b.length - a.length)
  .join('|');

// keyword, optional closing quote of a JSON key, separator (spaces, `:`, `=`), then the value:
// quoted to its closing quote on the same line, or a bare token.
const KEYWORD_VALUE = new RegExp(
  `(^|[^A-Za-z0-9_-])(${keywordAlternation})(["']?[ ` +
    `\\t]*[:=]?[ \\t]*)('[^'\\n]*'|"[^"\\n]*"|[^\\s'"<>,;&]+)`,
  'gim',
);
const XML_SECRET = /<(pre_shared_key|preSharedKey|privateKey|private_key|secret)>([^<]*)<\/\1>/gi;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(-----END \1-----|$)/g;
const API_KEY = /(\bkeys\s+id\s+\S+\s+key\s+)('[^'\n]*'|"[^"\n]*"|\S+)/gi;

// Words that follow a keyword but are not secrets (`authentication mode pre-shared-secret`,
// `private key: (hidden)`): leave them readable.
const NOT_SECRETS = new Set(['(hidden)', '(none)', MASK, `'${MASK}'`, `"${MASK}"`]);

function mask(value: string): string {
  if (NOT_SECRETS.has(value)) return value;
  if (value.startsWith("'")) return `'${MASK}'`;
  if (value.startsWith('"')) return `"${MASK}"`;
  return MASK;
}

/**
 * A bare word that reads as a key or a secret, not as English: base64 with padding or `+`/`/`,
 * letters mixed with digits (AWS's generated pre-shared keys), or a long run without spaces.
 */
function looksLikeSecret(value: string): boolean {
  if (!/^[A-Za-z0-9+/=._~-]{8,}$/.test(value)) return false;
  if (/[+/]|=$/.test(value)) return true;
  if (/[A-Za-z]/.test(value) && /\d/.test(value)) return true;
  return value.length >= 20;
}

// `set …` as typed, echoed after a prompt, or in a +/- diff: every word after a secret keyword is
// its value.
const SET_LINE_PREFIX = /(^|[\s#$>+-])set\s/;
// config.boot (`compare` without `commands`): the keyword opens a statement whose only word is the
// value.
const STATEMENT_START = /(^[+\-!>]?|\{)\s*$/;
const STATEMENT_END = /^\s*\}?\s*$/;

function isValueHere(keywordAt: number, valueEnd: number, sep: string, text: string): boolean {
  if (sep.includes('=')) return true;
  const lineStart = text.lastIndexOf('\n', keywordAt - 1) + 1;
  const newline = text.indexOf('\n', valueEnd);
  const lineEnd = newline < 0 ? text.length : newline;
  const head = text.slice(lineStart, keywordAt);
  if (SET_LINE_PREFIX.test(head)) return true;
  return (
    STATEMENT_START.test(head) &&
    STATEMENT_END.test(text.slice(valueEnd, lineEnd).replace(/\r$/, ''))
  );
}

export function redactSecrets(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  return text
    .replace(
      PEM_BLOCK,
      (_m, kind: string) => `-----BEGIN ${kind}----- ${MASK} -----END ${kind}-----`,
    )
    .replace(XML_SECRET, (_m, tag: string) => `<${tag}>${MASK}</${tag}>`)
    .replace(API_KEY, (_m, head: string, value: string) => `${head}${mask(value)}`)
    .replace(
      KEYWORD_VALUE,
      (
        m,
        before: string,
        keyword: string,
        sep: string,
        value: string,
        offset: number,
        whole: string,
      ) => {
        // A keyword glued to what follows is part of a longer word (`secrets`), and a keyword
        // that is itself a quoted value (`mode 'pre-shared-secret'`) has no separator either.
        if (sep === '') return m;
        const quoted = value.startsWith("'") || value.startsWith('"');
        const keywordAt = offset + before.length;
        if (
          !quoted &&
          !looksLikeSecret(value) &&
          !isValueHere(keywordAt, offset + m.length, sep, whole)
        )
          return m;
        return `${before}${keyword}${sep}${mask(value)}`;
      },
    );
}
