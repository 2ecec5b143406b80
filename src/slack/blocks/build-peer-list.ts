import { peerLines, type RouterPeers } from '../../report/peer-report.js';
import { section, type ChatText } from './chat-text.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { chunkLines } from './truncate.js';

/** Characters of peer lines per thread reply: well inside a message, a screen or two. */
const REPLY_CHARS = 2800;
/** At most this many replies (about 600 peers); a bigger fleet is narrowed with --router. */
const MAX_REPLIES = 20;

/**
 * `/vpn peers`'s full list, as thread replies of whole lines (never a line cut in two),
 * "part 2/3" when it takes more than one; the channel keeps only the counts.
 */
export function buildPeerList(all: RouterPeers[]): ChatText[] {
  const lines = peerLines(all).map(escapeMrkdwn);
  if (lines.length === 0) return [];
  const allParts = chunkLines(lines, REPLY_CHARS);
  const parts = allParts.slice(0, MAX_REPLIES);
  const shown = parts.reduce((n, p) => n + p.split('\n').length, 0);
  if (shown < lines.length)
    parts[parts.length - 1] +=
      `\n… and ${lines.length - shown} more: narrow it with \`/vpn peers --router &lt;router&gt;\``;
  return parts.map((part, i) => {
    const marker = parts.length > 1 ? ` (part ${i + 1}/${parts.length})` : '';
    return {
      text: `Peers${marker}`,
      blocks: [section(`*Peers*${marker}\n${part}`)],
    };
  });
}
