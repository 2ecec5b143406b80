import type { Block } from '../chat-port.js';
import { LIMITS, context, section, type ChatText } from './chat-text.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { chunkLines, truncate } from './truncate.js';

export interface HelpEntry {
  command: string;
  usage: string;
  description: string;
  /** false: listed as "coming soon", so people know it is planned and not broken. */
  available: boolean;
}

/** `/vpn help`: what each command does and how to call it; what is not built yet says so. */
export function buildHelp(entries: HelpEntry[]): ChatText {
  const lines = entries.map((e) => {
    const usage = e.usage ? ` ${escapeMrkdwn(e.usage)}` : '';
    const line = `\`${escapeMrkdwn(e.command)}${usage}\`\n      ${escapeMrkdwn(e.description)}`;
    return e.available ? line : `${line} _(coming soon)_`;
  });
  const blocks: Block[] = [section('*flatnet commands*')];
  const chunks = chunkLines(lines.length > 0 ? lines : ['_no commands registered_'], 2900);
  for (const chunk of chunks.slice(0, LIMITS.blocksPerMessage - 2)) blocks.push(section(chunk));
  blocks.push(
    context('Mutating commands accept `--dry-run`: the plan is built and nothing changes.'),
  );
  return {
    text: truncate(
      `flatnet commands: ${entries
        .filter((e) => e.available)
        .map((e) => e.command)
        .join(', ')}`,
      300,
    ),
    blocks,
  };
}
