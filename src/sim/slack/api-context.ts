import { randomBytes } from 'node:crypto';
import type { SlackStore } from './slack-store.js';
import type { ApiArgs } from './read-request-body.js';
import type { SimEphemeral, SimFile, SimMessage } from './types.js';

/** What every Web API method handler can reach. */
export interface ApiContext {
  store: SlackStore;
  /** `http://127.0.0.1:PORT`, no trailing slash: for upload URLs, permalinks, downloads. */
  baseUrl: string;
  triggers: TriggerBook;
  teamId: string;
  teamDomain: string;
  appId: string;
}

export type ApiResult = { ok: boolean; error?: string; [key: string]: unknown };
export type ApiMethod = (args: ApiArgs, ctx: ApiContext) => ApiResult | Promise<ApiResult>;

export function fail(error: string, extra: Record<string, unknown> = {}): ApiResult {
  return { ok: false, error, ...extra };
}

/**
 * trigger_ids: Slack hands one out with every slash command, click and submission, and
 * `views.open` works only with a fresh one (3 s) and only once. The clock is injected so a
 * test can expire a trigger without waiting.
 */
export class TriggerBook {
  private readonly issued = new Map<string, { user: string; at: number }>();

  constructor(
    private readonly now: () => number,
    readonly ttlMs = 3000,
  ) {}

  issue(user: string): string {
    const id =
      `${Math.floor(this.now() / 1000)}.${Math.floor(Math.random() * 1e9)}` +
      `.${randomBytes(8).toString('hex')}`;
    this.issued.set(id, { user, at: this.now() });
    return id;
  }

  /** The person the trigger belongs to, or the Slack error code. */
  consume(
    id: string | undefined,
  ): { user: string } | { error: 'invalid_trigger_id' | 'expired_trigger_id' } {
    const entry = id ? this.issued.get(id) : undefined;
    if (!id || !entry) return { error: 'invalid_trigger_id' };
    this.issued.delete(id);
    if (this.now() - entry.at > this.ttlMs) return { error: 'expired_trigger_id' };
    return { user: entry.user };
  }
}

export function fileToApi(file: SimFile, ctx: ApiContext): Record<string, unknown> {
  const url = `${ctx.baseUrl}/files/${file.id}/${encodeURIComponent(file.name)}`;
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.name.split('.').pop() ?? 'binary',
    size: file.bytes.length,
    user: ctx.store.botUser.id,
    url_private: url,
    url_private_download: url,
    permalink: url,
    channels: file.channel && !file.channel.startsWith('D') ? [file.channel] : [],
    ims: file.channel?.startsWith('D') ? [file.channel] : [],
  };
}

/** A message as the Web API returns it (`message` in chat.postMessage, conversations.history…). */
export function messageToApi(
  m: SimMessage | SimEphemeral,
  ctx: ApiContext,
): Record<string, unknown> {
  const fromBot = m.user === ctx.store.botUser.id;
  const out: Record<string, unknown> = {
    type: 'message',
    ts: m.ts,
    user: m.user,
    text: m.text,
    team: ctx.teamId,
  };
  if (fromBot) out.bot_id = ctx.store.botUser.id.replace(/^U/, 'B');
  if (m.blocks) out.blocks = m.blocks;
  if (m.threadTs) out.thread_ts = m.threadTs;
  if ('replyCount' in m) {
    if (m.replyCount > 0) {
      out.thread_ts = m.ts;
      out.reply_count = m.replyCount;
      out.latest_reply = m.latestReply;
    }
    if (m.editedTs) out.edited = { user: m.user, ts: m.editedTs };
    if (m.files)
      out.files = m.files
        .map((id) => ctx.store.files.get(id))
        .filter((f) => f !== undefined)
        .map((f) => fileToApi(f, ctx));
  }
  return out;
}
