import type { webApi } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { Block, ChatMessage, ChatPort } from './chat-port.js';
import { RateLimited, retryAfterMsOf } from './reporter/rate-limited.js';

export { RateLimited } from './reporter/rate-limited.js';

type WebClient = webApi.WebClient;
type SlackBlocks = webApi.Block[];

/**
 * The ChatPort over Slack's WebClient. Create the client with `rejectRateLimitedCalls: true`
 * and few retries (`retryConfig: { retries: 2 }`): the WebClient's default policy sleeps
 * inside a call for minutes on a 429, which would stall the reporter's queue. Here a 429
 * becomes a `RateLimited { retryAfterMs }` the thread reporter waits out itself.
 */
export function createSlackChat(client: WebClient, logger: Logger): ChatPort {
  const log = logger.child({ component: 'slack-chat' });

  async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const retryAfterMs = retryAfterMsOf(err);
      if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs, method);
      // The Slack error code (channel_not_found, not_in_channel…) is what an operator can act
      // on; the message text of our call is never logged (it may name a peer's address).
      log.warn({ method, slackError: slackErrorCode(err) }, 'Slack call failed');
      throw err;
    }
  }

  async function openDirect(user: string): Promise<string> {
    const opened = await call('conversations.open', () =>
      client.conversations.open({ users: user }),
    );
    const channel = opened.channel?.id;
    if (!channel)
      throw new Error(
        `Slack did not open a direct message with ${user}: check the app has the im:write scope`,
      );
    return channel;
  }

  async function post(message: ChatMessage): Promise<{ ts: string }> {
    const res = await call('chat.postMessage', () =>
      client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        ...(message.blocks ? { blocks: message.blocks as SlackBlocks } : {}),
      }),
    );
    if (!res.ts)
      throw new Error(
        `Slack accepted a message in ${message.channel} ` +
          'but returned no ts: cannot thread replies under it',
      );
    return { ts: res.ts };
  }

  return {
    postMessage: post,

    async updateMessage(message) {
      await call('chat.update', () =>
        client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks as SlackBlocks } : {}),
        }),
      );
    },

    async postEphemeral(message) {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({
          channel: message.channel,
          user: message.user,
          text: message.text,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          ...(message.blocks ? { blocks: message.blocks as SlackBlocks } : {}),
        }),
      );
    },

    async sendDirect(user: string, message: { text: string; blocks?: Block[] }) {
      const channel = await openDirect(user);
      const { ts } = await post({ channel, ...message });
      return { channel, ts };
    },

    async uploadDirectFile(user, file) {
      const channel = await openDirect(user);
      const common = {
        channel_id: channel,
        filename: file.filename,
        title: file.title,
        ...(file.comment ? { initial_comment: file.comment } : {}),
      };
      await call('files.uploadV2', () =>
        typeof file.content === 'string'
          ? client.filesUploadV2({ ...common, content: file.content })
          : client.filesUploadV2({ ...common, file: file.content }),
      );
    },
  };
}

function slackErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown';
  const e = err as { code?: unknown; data?: { error?: unknown } };
  if (typeof e.data?.error === 'string') return e.data.error;
  return typeof e.code === 'string' ? e.code : 'unknown';
}
