// Slack's mrkdwn to HTML, close enough to read a bot's messages as Slack shows them.
// Everything is escaped first; only the markup we generate ourselves reaches innerHTML.

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  large_green_circle: '🟢',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  yellow_circle: '🟡',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  rocket: '🚀',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  construction: '🚧',
  rotating_light: '🚨',
  fire: '🔥',
  tada: '🎉',
  eyes: '👀',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  information_source: 'ℹ️',
  question: '❓',
  exclamation: '❗',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  arrows_counterclockwise: '🔄',
  repeat: '🔁',
  arrow_right: '➡️',
  arrow_up: '⬆️',
  arrow_down: '⬇️',
  chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉',
  globe_with_meridians: '🌐',
  satellite: '📡',
  computer: '💻',
  wrench: '🔧',
  gear: '⚙️',
  stopwatch: '⏱️',
  clock1: '🕐',
  memo: '📝',
  clipboard: '📋',
  page_facing_up: '📄',
  package: '📦',
  link: '🔗',
  bell: '🔔',
  zap: '⚡',
  shield: '🛡️',
  robot_face: '🤖',
  wave: '👋',
  bulb: '💡',
  mag: '🔍',
  pushpin: '📌',
  skull: '💀',
  sparkles: '✨',
  heavy_plus_sign: '➕',
  heavy_minus_sign: '➖',
  leftwards_arrow_with_hook: '↩️',
  twisted_rightwards_arrows: '🔀',
  black_circle: '⚫',
  double_vertical_bar: '⏸️',
  stop_sign: '🛑',
  checkered_flag: '🏁',
  calendar: '📅',
  raised_hand: '✋',
  alarm_clock: '⏰',
  bangbang: '‼️',
  large_orange_circle: '🟠',
  octagonal_sign: '🛑',
};

export function emojiFor(name) {
  return EMOJI[name];
}

export function escapeHtml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// In mrkdwn, &amp; &lt; &gt; stand for the characters themselves and are shown as such, while
// a raw <…> is a mention, a channel, a group or a link. So entities are decoded only in the text
// between specials, after the specials are found: decoding first would turn the text
// "&lt;@U1&gt;" into a mention, which Slack never does (it shows "<@U1>" as typed).
function unescapeSlack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeUrl(url) {
  return /^(https?:|mailto:|\/)/i.test(url) ? url : '#';
}

function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

// <@U123>, <#C123|name>, <!subteam^S123|@group>, <!here>, <https://x|label>, <https://x>
function renderSpecial(inner, ctx) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) {
    const user = ctx.users.find((u) => u.id === target.slice(1));
    return `<span class="mention" data-user="${escapeHtml(target.slice(1))}">@${escapeHtml(user ? user.name : target.slice(1))}</span>`;
  }
  if (target.startsWith('#')) {
    const channel = ctx.channels.find((c) => c.id === target.slice(1));
    return `<span class="mention">#${escapeHtml(label ?? (channel ? channel.name : target.slice(1)))}</span>`;
  }
  if (target.startsWith('!subteam^'))
    return `<span class="mention">${escapeHtml(label ?? '@group')}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  return `<a href="${escapeHtml(safeUrl(target))}" target="_blank" rel="noopener">${escapeHtml(label ?? target)}</a>`;
}

function renderInline(text, ctx) {
  const holes = [];
  const hold = (html) => `\u0000${holes.push(html) - 1}\u0000`;
  let s = text.replace(/`([^`\n]+)`/g, (_, code) =>
    hold(`<code>${escapeHtml(unescapeSlack(code))}</code>`),
  );
  s = s.replace(/<([^<>\s][^<>]*)>/g, (_, inner) => hold(renderSpecial(unescapeSlack(inner), ctx)));
  s = escapeHtml(unescapeSlack(s));
  s = s.replace(/(^|[\s(>])\*(?!\s)([^*\n]+?)\*(?=$|[\s.,:;!?)<])/g, '$1<b>$2</b>');
  s = s.replace(/(^|[\s(>])_(?!\s)([^_\n]+?)_(?=$|[\s.,:;!?)<])/g, '$1<i>$2</i>');
  s = s.replace(/(^|[\s(>])~(?!\s)([^~\n]+?)~(?=$|[\s.,:;!?)<])/g, '$1<s>$2</s>');
  s = emojify(s);
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => holes[Number(i)]);
}

/** mrkdwn (or plain text when `plain`) to HTML. */
export function renderMrkdwn(text, ctx, plain = false) {
  const raw = String(text ?? '');
  if (plain) return emojify(escapeHtml(unescapeSlack(raw))).replace(/\n/g, '<br>');
  const parts = raw.split(/```/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1)
        return `<pre class="code-block">${escapeHtml(unescapeSlack(part).replace(/^\n/, ''))}</pre>`;
      const lines = part.split('\n').map((line) => {
        const quote = /^>\s?(.*)$/.exec(line);
        return quote
          ? `<span class="quote">${renderInline(quote[1], ctx)}</span>`
          : renderInline(line, ctx);
      });
      return lines.join('<br>');
    })
    .join('');
}
