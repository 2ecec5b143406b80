/**
 * Masks secrets in any text that came from or goes to a router: transcripts, `compare`
 * output, error messages, rendered files shown in a thread. The value after a secret-bearing
 * keyword becomes `[redacted]`; the keyword stays so the reader knows a secret was there.
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

const keywordAlternation = KEYWORDS.map((k) => k.replace(/[-\s]/g, (c) => (c === '-' ? '\\-' : '\\s')))
  .sort((a, b) => b.length - a.length)
  .join('|');

// keyword, optional closing quote of a JSON key, separator (spaces, `:`, `=`), then the value:
// quoted to its closing quote on the same line, or a bare token.
const KEYWORD_VALUE = new RegExp(
  `(^|[^A-Za-z0-9_-])(${keywordAlternation})(["']?[ \\t]*[:=]?[ \\t]*)('[^'\\n]*'|"[^"\\n]*"|[^\\s'"<>,;&]+)`,
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

export function redactSecrets(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  return text
    .replace(PEM_BLOCK, (_m, kind: string) => `-----BEGIN ${kind}----- ${MASK} -----END ${kind}-----`)
    .replace(XML_SECRET, (_m, tag: string) => `<${tag}>${MASK}</${tag}>`)
    .replace(API_KEY, (_m, head: string, value: string) => `${head}${mask(value)}`)
    .replace(KEYWORD_VALUE, (m, before: string, keyword: string, sep: string, value: string) => {
      // A keyword glued to what follows is part of a longer word (`secrets`), and a keyword
      // that is itself a quoted value (`mode 'pre-shared-secret'`) has no separator either.
      if (sep === '') return m;
      return `${before}${keyword}${sep}${mask(value)}`;
    });
}
