/**
 * SLACK_BOT_TOKEN checked against Slack before the bot or a worker starts: `auth.test` refuses
 * a wrong or revoked token, and every Web API answer carries the token's scopes in the
 * `x-oauth-scopes` header (the WebClient exposes them as `response_metadata.scopes`).
 */
import type { WebClient } from '@slack/web-api';
import { SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { REQUIRED_BOT_SCOPES } from './bot-scopes.js';

/** Slack's answers to auth.test that mean the token itself is wrong, not that Slack is down. */
const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

export interface BotIdentity {
  teamId: string;
  botUserId: string;
}

export async function checkBotToken(client: WebClient): Promise<BotIdentity> {
  let answer: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    answer = await client.auth.test();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code && REFUSED_TOKEN.has(code)) {
      throw new SettingError(
        'SLACK_BOT_TOKEN',
        EXIT.slackToken,
        `Slack refuses the token (${code})`,
        "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
      );
    }
    throw err;
  }
  const granted = answer.response_metadata?.scopes;
  // No header (a proxy that strips it): nothing to compare, the calls themselves will tell.
  const missing = granted ? REQUIRED_BOT_SCOPES.filter((s) => !granted.includes(s)) : [];
  if (missing.length > 0) {
    throw new SettingError(
      'SLACK_BOT_TOKEN',
      EXIT.slackScope,
      `the app lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      'add them under OAuth & Permissions (or re-create the ' +
        'app from slack-app-manifest.yml) and reinstall it',
    );
  }
  return { teamId: answer.team_id ?? '', botUserId: answer.user_id ?? '' };
}
