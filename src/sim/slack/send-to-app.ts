import type { BotReply } from './bot-reply.js';
import { postToBot, type BotLink } from './post-to-bot.js';
import type { SignOptions } from './sign-slack-request.js';

/** What Slack delivers to the app: a slash command's fields or an interaction's payload. */
export type AppDelivery =
  | { type: 'slash_commands'; fields: Record<string, string> }
  | {
      type: 'interactive';
      payload: Record<string, unknown>;
      /** Slack lets the ack carry an answer for view submissions, not for button clicks. */
      acceptsResponsePayload: boolean;
    };

/**
 * One delivery, the way the app is set up to receive it: over its Socket Mode connection
 * when Socket Mode is on (no signature: the socket itself is authenticated by the app-level
 * token), else as a signed HTTP POST to its Request URL. Either way the answer is the ack.
 */
export function sendToApp(
  link: BotLink,
  delivery: AppDelivery,
  sign?: SignOptions,
): Promise<BotReply> {
  if (link.socket) {
    return delivery.type === 'slash_commands'
      ? link.socket.deliver('slash_commands', delivery.fields, true)
      : link.socket.deliver('interactive', delivery.payload, delivery.acceptsResponsePayload);
  }
  const form =
    delivery.type === 'slash_commands'
      ? delivery.fields
      : { payload: JSON.stringify(delivery.payload) };
  return postToBot(link, form, sign);
}
