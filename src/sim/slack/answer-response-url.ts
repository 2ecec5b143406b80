import { randomBytes } from 'node:crypto';
import { checkMessageLimits } from './check-block-limits.js';
import type { SlackStore } from './slack-store.js';
import type { SlackBlock } from './types.js';

/** Slack allows 5 posts to one response_url within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

interface PostedRef {
  ts: string;
  ephemeral: boolean;
}

/** Where a response_url leads: who asked, where, and which message an interaction came from. */
export interface ResponseTarget {
  channel: string;
  user: string;
  threadTs?: string;
  /** The message holding the clicked button: what `replace_original` / `delete_original` act on. */
  source?: PostedRef;
  /** The slash command as typed, echoed into the channel before an `in_channel` answer. */
  command?: string;
}

interface Entry extends ResponseTarget {
  createdAt: number;
  uses: number;
  echoed: boolean;
  lastPosted?: PostedRef;
}

/** What the bot may post to a response_url (or answer in the body of its ack). */
export interface ResponsePayload {
  text?: string;
  blocks?: SlackBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean | string;
  delete_original?: boolean | string;
  thread_ts?: string;
}

const truthy = (v: unknown): boolean => v === true || v === 'true';

export class ResponseUrlBook {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: SlackStore,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  /** A fresh response_url pointing back at the emulator. */
  issue(target: ResponseTarget): { id: string; url: string } {
    const id = randomBytes(9).toString('hex');
    this.entries.set(id, { ...target, createdAt: this.now(), uses: 0, echoed: false });
    return { id, url: `${this.baseUrl()}/response/${id}` };
  }

  /** A post from the bot to `/response/<id>`: answers HTTP status and body as Slack would. */
  receive(id: string, payload: ResponsePayload): { status: number; body: string } {
    const entry = this.entries.get(id);
    if (!entry || this.now() - entry.createdAt > RESPONSE_URL_TTL_MS)
      return { status: 404, body: 'expired_url' };
    if (entry.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: 'used_url' };
    entry.uses += 1;
    return this.apply(entry, payload);
  }

  /**
   * The body of a slash command's ack is shown like a response_url post, without using one of its 5
   * uses.
   */
  applyAck(id: string, payload: ResponsePayload): { status: number; body: string } {
    const entry = this.entries.get(id);
    return entry ? this.apply(entry, payload) : { status: 404, body: 'expired_url' };
  }

  private apply(entry: Entry, payload: ResponsePayload): { status: number; body: string } {
    const target = entry.source ?? entry.lastPosted;
    if (truthy(payload.delete_original)) {
      if (!target) return { status: 404, body: 'message_not_found' };
      if (target.ephemeral) this.store.deleteEphemeral(entry.user, target.ts);
      else this.store.deleteMessage(entry.channel, target.ts);
      return { status: 200, body: 'ok' };
    }
    const problem = checkMessageLimits(payload.text, payload.blocks);
    if (problem) return { status: 400, body: problem.error };
    const content = { text: payload.text ?? '', blocks: payload.blocks };
    if (truthy(payload.replace_original) && target) {
      const done = target.ephemeral
        ? this.store.replaceEphemeral(entry.user, target.ts, content)
        : this.store.updateMessage(entry.channel, target.ts, content);
      return done ? { status: 200, body: 'ok' } : { status: 404, body: 'message_not_found' };
    }
    const threadTs = payload.thread_ts ?? entry.threadTs;
    if (payload.response_type === 'in_channel') {
      if (entry.command && !entry.echoed) {
        // In Slack, a public answer to a slash command shows the command as the person typed it.
        entry.echoed = true;
        this.store.postMessage({ channel: entry.channel, user: entry.user, text: entry.command });
      }
      const posted = this.store.postMessage({
        channel: entry.channel,
        threadTs,
        user: this.store.botUser.id,
        botId: this.store.botUser.id.replace(/^U/, 'B'),
        ...content,
      });
      entry.lastPosted = { ts: posted.ts, ephemeral: false };
    } else {
      const posted = this.store.postEphemeral({
        channel: entry.channel,
        threadTs,
        user: entry.user,
        ...content,
      });
      entry.lastPosted = { ts: posted.ts, ephemeral: true };
    }
    return { status: 200, body: 'ok' };
  }
}
