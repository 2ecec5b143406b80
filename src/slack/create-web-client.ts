import { WebClient } from '@slack/web-api';

/** A WebClient for processes without a Bolt app (workers): same 429 policy as the bot's. */
export function createWebClient(token: string, slackApiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
  });
}
