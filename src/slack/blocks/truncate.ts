/**
 * Shorten text to at most `max` characters, ending with "…" so a reader sees it was cut.
 * Cuts between words, on a code-point boundary, and never inside an `&amp;`-style entity (a
 * half entity would show as garbage in Slack). Only a "word" longer than half of `max` (a key,
 * a URL) is cut inside.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let cut = text.slice(0, max - 1);
  // Never mid-word: back to the last space or line break, unless that would drop more than
  // half of what fits (one very long word).
  const gap = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'));
  if (/\S/.test(text[max - 1] ?? ' ') && gap >= Math.floor(max / 2)) cut = cut.slice(0, gap);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // A lone high surrogate at the end would be half an emoji.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + '…';
}

/**
 * Join lines into chunks of at most `max` characters each (a line longer than `max` is
 * truncated), so a long list splits across several sections instead of being cut off.
 */
export function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current += '\n' + line;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

/**
 * Keep the first lines that fit in `max` characters and end with "… and N more <noun>",
 * the graceful way to say a list was too long for one message.
 */
export function limitLines(lines: string[], max: number, noun = 'more'): string[] {
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const rest = lines.length - i - 1;
    // Leave room for the "… and N more" line unless this is the last line.
    const reserve = rest > 0 ? 40 + noun.length : 0;
    if (used + line.length + 1 + reserve > max) {
      kept.push(`… and ${lines.length - i} ${noun}`);
      return kept;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept;
}
