// The local Slack page: renders what the emulator holds for the signed-in person and sends
// what they do (messages, slash commands, clicks, modal submissions) back to the emulator,
// which signs and delivers it to the bot exactly as Slack would.
import { escapeHtml, renderMrkdwn } from './render-mrkdwn.js';
import { renderBlocks, renderModalBlocks } from './render-blocks.js';
import { startKnobs } from './knobs.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const view = {
  me: params.get('user') || localStorage.getItem('flatnet-sim-user') || '',
  channel: params.get('channel') || '',
  thread: params.get('thread') || '',
};
let state = null;
let renderedModalKey = '';

const PALETTE = ['#e8912d', '#2bac76', '#1d9bd1', '#e01e5a', '#9c6ade', '#4a8f8c'];

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (!answer.ok) toast(answer.error ?? 'Something went wrong');
  return answer;
}

function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 6000);
}

function userById(id) {
  return (
    state.users.find((u) => u.id === id) ?? { id, name: id, realName: id, title: '', isBot: false }
  );
}

function avatar(user) {
  if (user.isBot) return '<div class="avatar avatar-bot" aria-hidden="true">fn</div>';
  const color = PALETTE[[...user.id].reduce((a, c) => a + c.charCodeAt(0), 0) % PALETTE.length];
  return `<div class="avatar" style="background:${color}" aria-hidden="true">${escapeHtml(user.name.slice(0, 1).toUpperCase())}</div>`;
}

function timeOf(ts) {
  return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function files(list) {
  return (list ?? [])
    .map((f) => {
      const link = `<a class="file-link" href="${escapeHtml(f.url)}?download=1" download="${escapeHtml(f.name)}" data-testid="file-link">${escapeHtml(f.name)}</a>`;
      if (f.mimetype.startsWith('image/')) {
        return `<figure class="file file-image" data-testid="file"><figcaption>${escapeHtml(f.title)}</figcaption><img src="${escapeHtml(f.url)}" alt="${escapeHtml(f.title)}" data-testid="file-image">${link}</figure>`;
      }
      return `<div class="file" data-testid="file"><span class="file-icon">📄</span><div><div class="file-title">${escapeHtml(f.title)}</div><div class="file-meta">${escapeHtml(f.mimetype)} · ${f.size} bytes · ${link}</div></div></div>`;
    })
    .join('');
}

function message(m, previous, inThread) {
  const user = userById(m.user);
  const continued =
    previous &&
    previous.user === m.user &&
    !previous.ephemeral &&
    !m.ephemeral &&
    Number(m.ts) - Number(previous.ts) < 300;
  const where = { channel: m.channel, ts: m.ts };
  const body = m.blocks?.length
    ? renderBlocks(m.blocks, state, where)
    : `<div class="b-text">${renderMrkdwn(m.text, state)}</div>`;
  const replies =
    !inThread && m.replyCount > 0
      ? `<button class="replies-link" data-testid="replies-link" data-thread="${escapeHtml(m.ts)}">${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}</button>`
      : '';
  return `<div class="msg ${m.ephemeral ? 'ephemeral' : ''} ${continued ? 'continued' : ''}" data-testid="message" data-ts="${escapeHtml(m.ts)}" data-user="${escapeHtml(m.user)}">
    <div class="msg-gutter">${continued ? `<span class="msg-time-hover">${timeOf(m.ts)}</span>` : avatar(user)}</div>
    <div class="msg-body">
      ${continued ? '' : `<div class="msg-meta"><span class="msg-author">${escapeHtml(user.isBot ? user.name : user.realName)}</span>${user.isBot ? '<span class="badge">APP</span>' : ''}<span class="msg-time">${timeOf(m.ts)}</span>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>`}
      <div class="msg-content">${body}${m.edited && continued ? '<span class="edited">(edited)</span>' : ''}</div>
      ${files(m.files)}
      ${m.ephemeral ? '<div class="ephemeral-note" data-testid="ephemeral-note">👁 Only visible to you</div>' : ''}
      ${replies}
    </div>
  </div>`;
}

function renderList(el, list, inThread) {
  const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  el.innerHTML =
    list.map((m, i) => message(m, list[i - 1], inThread)).join('') ||
    '<div class="empty">No messages yet.</div>';
  if (nearBottom) el.scrollTop = el.scrollHeight;
}

function channelLabel(c) {
  return c.isIm ? state.bot.name : `# ${c.name}`;
}

function renderSidebar() {
  const switcher = $('user-switcher');
  const humans = state.users.filter((u) => !u.isBot);
  switcher.innerHTML = humans
    .map(
      (u) =>
        `<option value="${escapeHtml(u.id)}" ${u.id === view.me ? 'selected' : ''}>${escapeHtml(u.name)} (${escapeHtml(u.title)})</option>`,
    )
    .join('');
  const item = (
    c,
  ) => `<li><button class="nav-item ${c.id === view.channel ? 'active' : ''}" data-channel="${escapeHtml(c.id)}" data-testid="channel-${escapeHtml(c.isIm ? 'dm' : c.name)}">
      ${c.isIm ? '<span class="presence"></span>' : ''}${escapeHtml(channelLabel(c))}${c.isIm ? ' <span class="badge">APP</span>' : ''}</button></li>`;
  $('channel-list').innerHTML = state.channels
    .filter((c) => !c.isIm)
    .map(item)
    .join('');
  $('dm-list').innerHTML = state.channels
    .filter((c) => c.isIm)
    .map(item)
    .join('');
}

function render() {
  const channel = state.channels.find((c) => c.id === view.channel) ?? state.channels[0];
  view.channel = channel.id;
  renderSidebar();
  $('channel-title').textContent = channel.isIm ? state.bot.name : `# ${channel.name}`;
  $('channel-topic').textContent = channel.isIm
    ? 'Direct messages with the bot'
    : 'VPN and router operations';
  $('message-box').placeholder = `Message ${channel.isIm ? state.bot.name : `#${channel.name}`}`;
  const inChannel = state.messages
    .filter((m) => m.channel === channel.id)
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  renderList(
    $('messages'),
    inChannel.filter((m) => !m.threadTs),
    false,
  );
  const parent = inChannel.find((m) => m.ts === view.thread && !m.threadTs);
  $('thread').hidden = !parent;
  if (parent) {
    $('thread-channel').textContent = channelLabel(channel);
    const replies = inChannel.filter((m) => m.threadTs === parent.ts);
    const divider = `<div class="thread-divider">${replies.filter((r) => !r.ephemeral).length} replies</div>`;
    const el = $('thread-messages');
    renderList(el, replies, true);
    el.insertAdjacentHTML('afterbegin', message(parent, undefined, true) + divider);
  }
  renderModal();
}

function modalValues() {
  const values = {};
  for (const el of $('modal').querySelectorAll('[data-block-id]')) {
    let value;
    if (el.dataset.kind)
      value = [...el.querySelectorAll('input:checked')].map((i) => i.value).join(',');
    else value = el.value;
    if (value !== undefined && value !== '')
      values[el.dataset.blockId] = { [el.dataset.actionId]: value };
  }
  return values;
}

function renderModal() {
  const current = state.view;
  $('modal-backdrop').hidden = !current;
  if (!current) return void (renderedModalKey = '');
  const key = JSON.stringify([current.id, current.view, current.errors]);
  if (key === renderedModalKey) return;
  // Keep what the person typed when only the errors changed.
  const typed = Object.fromEntries(
    Object.entries(modalValues()).map(([block, v]) => [block, Object.values(v)[0]]),
  );
  renderedModalKey = key;
  const v = current.view;
  $('modal').dataset.viewId = current.id;
  $('modal').innerHTML = `
    <header class="modal-header"><h2 data-testid="modal-title">${escapeHtml(v.title?.text ?? '')}</h2>
      <button type="button" class="icon-button" data-testid="modal-close" data-close>✕</button></header>
    <div class="modal-body">${renderModalBlocks(v.blocks ?? [], state, current.errors ?? {}, typed)}</div>
    <footer class="modal-footer">
      <button type="button" class="btn" data-close>${escapeHtml(v.close?.text ?? 'Cancel')}</button>
      ${v.submit ? `<button type="submit" class="btn btn-primary" data-testid="modal-submit">${escapeHtml(v.submit.text)}</button>` : ''}
    </footer>`;
}

let loading = null;
let again = false;
async function load() {
  if (loading) return void (again = true);
  loading = (async () => {
    do {
      again = false;
      const res = await fetch(`/sim/state?user=${encodeURIComponent(view.me)}`);
      state = await res.json();
      view.me = state.me;
      render();
    } while (again);
  })();
  try {
    await loading;
  } finally {
    loading = null;
  }
}

function send(text, threadTs) {
  if (!text.trim()) return;
  void api('/sim/send', {
    user: view.me,
    channel: view.channel,
    text,
    threadTs: threadTs || undefined,
  });
}

function wireComposer(formId, boxId, threadTsOf) {
  const box = $(boxId);
  const submit = () => {
    send(box.value, threadTsOf());
    box.value = '';
  };
  $(formId).addEventListener('submit', (e) => (e.preventDefault(), submit()));
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  });
}

document.addEventListener('click', (e) => {
  const target = e.target.closest('button, [data-channel]');
  if (!target) return;
  if (target.dataset.actionId && target.dataset.messageTs) {
    if (target.dataset.url) window.open(target.dataset.url, '_blank', 'noopener');
    target.classList.add('busy');
    void api('/sim/click', {
      user: view.me,
      channel: target.dataset.channel,
      messageTs: target.dataset.messageTs,
      actionId: target.dataset.actionId,
      value: target.dataset.value || undefined,
    }).finally(() => target.classList.remove('busy'));
  } else if (target.dataset.thread) {
    view.thread = target.dataset.thread;
    render();
  } else if (target.dataset.channel && target.classList.contains('nav-item')) {
    view.channel = target.dataset.channel;
    view.thread = '';
    render();
  } else if (target.hasAttribute('data-close')) {
    void api('/sim/close-view', { user: view.me, viewId: $('modal').dataset.viewId });
  }
});

$('thread-close').addEventListener('click', () => ((view.thread = ''), render()));
$('modal').addEventListener('submit', (e) => {
  e.preventDefault();
  void api('/sim/submit', {
    user: view.me,
    viewId: $('modal').dataset.viewId,
    values: modalValues(),
  });
});
$('user-switcher').addEventListener('change', (e) => {
  view.me = e.target.value;
  localStorage.setItem('flatnet-sim-user', view.me);
  renderedModalKey = '';
  void load();
});
wireComposer('composer', 'message-box', () => '');
wireComposer('thread-composer', 'thread-box', () => view.thread);

const events = new EventSource('/sim/events');
events.onmessage = () => void load();
events.onopen = () => $('live').classList.remove('offline');
events.onerror = () => $('live').classList.add('offline');

// First paint. The emulator picks the first person when the remembered one is unknown.
await load();
await startKnobs($('knobs'));
document.body.dataset.ready = 'true';
