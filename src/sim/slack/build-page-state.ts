import type { SlackStore } from './slack-store.js';
import type { SimEphemeral, SimFile, SimMessage } from './types.js';

/** A message as the page renders it. */
export interface PageMessage {
  ts: string;
  channel: string;
  threadTs?: string;
  user: string;
  text: string;
  blocks?: unknown[];
  files?: {
    id: string;
    name: string;
    title: string;
    mimetype: string;
    size: number;
    url: string;
  }[];
  edited?: boolean;
  replyCount?: number;
  ephemeral?: boolean;
}

function pageFile(f: SimFile): NonNullable<PageMessage['files']>[number] {
  return {
    id: f.id,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    size: f.bytes.length,
    url: `/files/${f.id}/${encodeURIComponent(f.name)}`,
  };
}

function fromMessage(store: SlackStore, m: SimMessage): PageMessage {
  const files = (m.files ?? [])
    .map((id) => store.files.get(id))
    .filter((f): f is SimFile => f !== undefined);
  return {
    ts: m.ts,
    channel: m.channel,
    threadTs: m.threadTs,
    user: m.user,
    text: m.text,
    blocks: m.blocks,
    files: files.length > 0 ? files.map(pageFile) : undefined,
    edited: m.editedTs !== undefined,
    replyCount: m.replyCount,
  };
}

function fromEphemeral(store: SlackStore, e: SimEphemeral): PageMessage {
  return {
    ts: e.ts,
    channel: e.channel,
    threadTs: e.threadTs,
    user: store.botUser.id,
    text: e.text,
    blocks: e.blocks,
    ephemeral: true,
  };
}

/**
 * Everything one person sees: public channels, their DM with the bot, their ephemerals, their
 * modal.
 */
export function buildPageState(
  store: SlackStore,
  me: string,
  workspace: string,
): Record<string, unknown> {
  store.openDm(me);
  const channels = [...store.channels.values()].filter((c) => !c.isIm || c.user === me);
  const messages: PageMessage[] = [];
  for (const c of channels)
    for (const m of store.allMessages(c.id)) messages.push(fromMessage(store, m));
  for (const e of store.ephemerals(me)) messages.push(fromEphemeral(store, e));
  const stack = store.viewStack(me);
  const top = stack.at(-1);
  return {
    workspace,
    me,
    bot: { id: store.botUser.id, name: store.botUser.name },
    users: [...store.users.values()].map((u) => ({
      id: u.id,
      name: u.name,
      realName: u.realName,
      title: u.title,
      isBot: u.isBot ?? false,
    })),
    channels: channels.map((c) => ({ id: c.id, name: c.name, isIm: c.isIm })),
    messages,
    view: top
      ? { id: top.id, view: top.view, errors: top.errors ?? {}, depth: stack.length }
      : null,
  };
}
