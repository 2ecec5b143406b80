import type { Logger } from '../../log.js';
import type { ChatText } from '../blocks/index.js';
import type { ChatPort } from '../chat-port.js';
import { callSlack, type RetryPolicy } from './call-slack.js';
import type { RunThread } from './run-thread.js';

/**
 * Posting and editing a run's messages in its channel, each call with the reporter's patience
 * with Slack (call-slack.ts: 429s waited out, other failures retried, then given up).
 */
export interface ThreadMessages {
  /** Post a reply in the run's thread (`inThread` false: the root, in the channel); its ts. */
  post(t: RunThread, what: string, message: ChatText, inThread?: boolean): Promise<string>;
  edit(t: RunThread, what: string, ts: string, message: ChatText): Promise<void>;
}

export function createThreadMessages(
  chat: ChatPort,
  policy: RetryPolicy,
  log: Logger,
): ThreadMessages {
  return {
    async post(t, what, message, inThread = true) {
      const threadTs = inThread ? t.thread.root : undefined;
      if (inThread && !threadTs) throw new Error(`no thread to post ${what} in yet`);
      const { ts } = await callSlack(
        what,
        () =>
          chat.postMessage({
            channel: t.run.origin.channel,
            ...(threadTs ? { threadTs } : {}),
            ...message,
          }),
        policy,
        log,
      );
      return ts;
    },

    async edit(t, what, ts, message) {
      await callSlack(
        what,
        () => chat.updateMessage({ channel: t.run.origin.channel, ts, ...message }),
        policy,
        log,
      );
    },
  };
}
