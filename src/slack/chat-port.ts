/**
 * The chat surface a reporter writes to; Slack's WebClient implements it (src/slack/slack-chat.ts).
 * Methods throw on failure (a 429 as RateLimited with its Retry-After): the thread reporter
 * catches, waits and retries, so a chat outage never fails a run.
 */
export interface Block {
  type: string;
  [key: string]: unknown;
}

export interface ChatMessage {
  channel: string;
  /** Reply in the thread of this message. */
  threadTs?: string;
  text: string;
  blocks?: Block[];
}

export interface ChatPort {
  postMessage(message: ChatMessage): Promise<{ ts: string }>;
  updateMessage(message: ChatMessage & { ts: string }): Promise<void>;
  postEphemeral(message: ChatMessage & { user: string }): Promise<void>;
  /** A direct message to one person (client configurations go here, never to a channel). */
  sendDirect(
    user: string,
    message: { text: string; blocks?: Block[] },
  ): Promise<{ channel: string; ts: string }>;
  /** A file in a direct message to one person (wg-quick config, QR code). */
  uploadDirectFile(
    user: string,
    file: { filename: string; title: string; content: Buffer | string; comment?: string },
  ): Promise<void>;
}
