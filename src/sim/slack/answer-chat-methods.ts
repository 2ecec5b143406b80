import { checkMessageLimits } from './check-block-limits.js';
import { fail, messageToApi, type ApiMethod, type ApiResult } from './api-context.js';
import { jsonArg, stringArg, type ApiArgs } from './read-request-body.js';
import type { SlackBlock } from './types.js';

/** text and blocks of a chat.* call, checked against Slack's limits. */
function readContent(
  args: ApiArgs,
  requireText: boolean,
): { text: string; blocks?: SlackBlock[] } | ApiResult {
  const text = stringArg(args, 'text');
  const blocks = jsonArg(args, 'blocks');
  const problem = checkMessageLimits(text, blocks, { requireText });
  if (problem) return fail(problem.error, { response_metadata: { messages: problem.messages } });
  return { text: text ?? '', blocks: blocks as SlackBlock[] | undefined };
}

function isFailure(value: object): value is ApiResult {
  return 'ok' in value && (value as ApiResult).ok === false;
}

export const postMessage: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const content = readContent(args, true);
  if (isFailure(content)) return content;
  let threadTs = stringArg(args, 'thread_ts') || undefined;
  if (threadTs) {
    const parent = ctx.store.message(channel.id, threadTs);
    if (!parent) return fail('thread_not_found');
    // Slack files a reply to a reply under the thread's parent.
    threadTs = parent.threadTs ?? parent.ts;
  }
  const message = ctx.store.postMessage({
    channel: channel.id,
    threadTs,
    user: ctx.store.botUser.id,
    botId: ctx.store.botUser.id.replace(/^U/, 'B'),
    ...content,
  });
  return { ok: true, channel: channel.id, ts: message.ts, message: messageToApi(message, ctx) };
};

export const updateMessage: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'ts') ?? '';
  const existing = ctx.store.message(channel.id, ts);
  if (!existing) return fail('message_not_found');
  // Slack lets a token edit only what it posted itself.
  if (existing.user !== ctx.store.botUser.id) return fail('cant_update_message');
  const content = readContent(args, false);
  if (isFailure(content)) return content;
  const updated = ctx.store.updateMessage(channel.id, ts, {
    text: content.text || (content.blocks ? existing.text : ''),
    blocks: content.blocks ?? existing.blocks,
  });
  if (!updated) return fail('message_not_found');
  return {
    ok: true,
    channel: channel.id,
    ts,
    text: updated.text,
    message: messageToApi(updated, ctx),
  };
};

export const deleteMessage: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'ts') ?? '';
  const existing = ctx.store.message(channel.id, ts);
  if (!existing) return fail('message_not_found');
  if (existing.user !== ctx.store.botUser.id) return fail('cant_delete_message');
  ctx.store.deleteMessage(channel.id, ts);
  return { ok: true, channel: channel.id, ts };
};

export const postEphemeral: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const user = stringArg(args, 'user') ?? '';
  if (!ctx.store.users.has(user)) return fail('user_not_found');
  const content = readContent(args, true);
  if (isFailure(content)) return content;
  const message = ctx.store.postEphemeral({
    channel: channel.id,
    user,
    threadTs: stringArg(args, 'thread_ts') || undefined,
    ...content,
  });
  return { ok: true, message_ts: message.ts };
};

export const getPermalink: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'message_ts') ?? '';
  const message = ctx.store.message(channel.id, ts);
  if (!message) return fail('message_not_found');
  const thread = message.threadTs ? `&thread=${message.threadTs}` : '';
  return {
    ok: true,
    channel: channel.id,
    permalink: `${ctx.baseUrl}/?channel=${channel.id}&ts=${ts}${thread}`,
  };
};

export const conversationsHistory: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const limit = Number(stringArg(args, 'limit') ?? 100) || 100;
  // Newest first, as Slack returns it.
  const messages = ctx.store.messages(channel.id).slice(-limit).reverse();
  return { ok: true, messages: messages.map((m) => messageToApi(m, ctx)), has_more: false };
};

export const conversationsReplies: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'ts') ?? '';
  const parent = ctx.store.message(channel.id, ts);
  if (!parent) return fail('thread_not_found');
  const messages = [parent, ...ctx.store.replies(channel.id, ts)];
  return { ok: true, messages: messages.map((m) => messageToApi(m, ctx)), has_more: false };
};
