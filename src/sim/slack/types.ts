/**
 * The records the Slack emulator keeps. They mirror what Slack itself would show a person:
 * channel messages and their threads, direct messages, ephemeral messages per user, files
 * and open modals. Field names follow Slack's API (`ts`, `thread_ts` as `threadTs`) so a
 * test reads like the Slack UI it stands for.
 */
export type SlackBlock = { type: string; block_id?: string; [key: string]: unknown };

export interface SimUser {
  id: string;
  name: string;
  realName: string;
  /** Shown in the user switcher: "developer", "network approver". */
  title: string;
  isBot?: boolean;
}

export interface SimChannel {
  id: string;
  name: string;
  /** A direct message between the bot and one person (`D…`). */
  isIm: boolean;
  /** For a DM: the person on the other side. */
  user?: string;
}

export interface SimUsergroup {
  id: string;
  handle: string;
  users: string[];
}

export interface SimMessage {
  ts: string;
  channel: string;
  /** The thread this message replies in; absent for a top-level message. */
  threadTs?: string;
  /** Who posted it: the bot's user id or a person's. */
  user: string;
  botId?: string;
  text: string;
  blocks?: SlackBlock[];
  /** Ids of files shared with this message. */
  files?: string[];
  /** Set when the message was changed after posting (chat.update, replace_original). */
  editedTs?: string;
  replyCount: number;
  latestReply?: string;
}

export interface SimEphemeral {
  ts: string;
  channel: string;
  threadTs?: string;
  /** The only person who sees it. */
  user: string;
  text: string;
  blocks?: SlackBlock[];
}

export interface SimFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  bytes: Buffer;
  /** Filled by files.completeUploadExternal: where the file was shared. */
  channel?: string;
  threadTs?: string;
  messageTs?: string;
  uploaded: boolean;
  completed: boolean;
}

export interface SimView {
  id: string;
  user: string;
  /** The view as the bot sent it (type, title, blocks, submit, callback_id, private_metadata…). */
  view: Record<string, unknown>;
  hash: string;
  rootViewId: string;
  previousViewId?: string;
  /** Field errors from the last `response_action: 'errors'`, by block_id. */
  errors?: Record<string, string>;
}

/** One call the bot made to the Web API, for tests that count calls (never the token). */
export interface SimApiCall {
  method: string;
  ok: boolean;
  error?: string;
  status: number;
}

export type StoreChange =
  | { kind: 'message'; channel: string; ts: string; threadTs?: string }
  | { kind: 'message-changed'; channel: string; ts: string }
  | { kind: 'message-deleted'; channel: string; ts: string }
  | { kind: 'ephemeral'; channel: string; ts: string; user: string }
  | { kind: 'ephemeral-deleted'; channel: string; ts: string; user: string }
  | { kind: 'file'; id: string }
  | { kind: 'view'; user: string; viewId: string }
  | { kind: 'view-closed'; user: string; viewId: string };
