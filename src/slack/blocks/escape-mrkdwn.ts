/**
 * Escape text that came from outside (router names, error messages, peer names) before it
 * goes into mrkdwn. Slack treats `<...>` as a link or mention, so an unescaped
 * `<!channel>` in a peer name would ping the whole channel; `&` must go first so that the
 * entities we add are not escaped twice.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Inline code for a value from outside: backticks inside would end the span early, so they
 * become a look-alike quote.
 */
export function code(text: string): string {
  return '`' + escapeMrkdwn(text).replace(/`/g, 'ˋ') + '`';
}

/** A Slack user mention, for ids we trust (they come from Slack itself). */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
