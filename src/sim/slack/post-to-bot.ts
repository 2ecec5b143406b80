import { signSlackRequest, type SignOptions } from './sign-slack-request.js';
import type { BotReply } from './bot-reply.js';
import type { SocketModeGateway } from './socket-mode-gateway.js';

export interface BotLink {
  botUrl: () => string | undefined;
  signingSecret: string;
  now: () => number;
  /** Slack waits 3 s for an ack and then tells the person the app did not respond. */
  ackTimeoutMs: number;
  /** Set when the app has Socket Mode on: everything is delivered over its connection. */
  socket?: SocketModeGateway;
}

/**
 * POST a form to the bot exactly as Slack does: `application/x-www-form-urlencoded` (Bolt
 * parses the body as a form only for exactly this content type), signed over the raw body.
 */
export async function postToBot(
  link: BotLink,
  form: Record<string, string>,
  sign: SignOptions = {},
): Promise<BotReply> {
  const url = link.botUrl();
  if (!url) return { status: 0, body: '', error: 'dispatch_failed' };
  const body = new URLSearchParams(form).toString();
  const timestamp = sign.timestamp ?? Math.floor(link.now() / 1000);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(sign.secret ?? link.signingSecret, timestamp, body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(link.ackTimeoutMs),
    });
  } catch (err) {
    const timedOut =
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { status: 0, body: '', error: timedOut ? 'operation_timeout' : 'dispatch_failed' };
  }
  const text = await response.text();
  let json: unknown;
  if (text && (response.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, body: text, json };
}
