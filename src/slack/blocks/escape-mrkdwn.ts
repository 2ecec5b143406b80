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
 * Text flatnet wrote itself that names people or channels (an outcome "went privately to
 * <@U0ALICE>", a refusal "… by <@U0BOB>"): escaped like any text, except plain user and channel
 * mentions, which stay mentions. Escaping them too would show `&lt;@U0ALICE&gt;` in Slack.
 * Only `<@U…>`, `<@W…>` and `<#C…>` survive: never `<!channel>`, `<!here>`, a group or a link,
 * so a value from outside inside such text can at most name one person, never ping a channel.
 */
export function escapeKeepingMentions(text: string): string {
  return text
    .split(/(<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');
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
