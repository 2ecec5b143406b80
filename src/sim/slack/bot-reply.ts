/** What the bot answered: its HTTP status and body (the ack). */
export interface BotReply {
  status: number;
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
  /** Set when no answer came: Slack's own words for it. */
  error?: 'dispatch_failed' | 'operation_timeout';
}
