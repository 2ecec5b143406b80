/**
 * Slack settings from the environment, checked with messages that say where each value comes from.
 */
import { SettingError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export interface SlackEnv {
  mode: 'socket' | 'http';
  botToken: string;
  appToken?: string;
  signingSecret?: string;
  slackApiUrl?: string;
}

export function readSlackEnv(env: NodeJS.ProcessEnv, forceMode?: 'socket' | 'http'): SlackEnv {
  const mode = forceMode ?? (env.FLATNET_SLACK_MODE === 'http' ? 'http' : 'socket');
  const botToken = env.SLACK_BOT_TOKEN;
  if (!botToken)
    throw new SettingError(
      'SLACK_BOT_TOKEN',
      EXIT.slackToken,
      'is not set',
      'install the app (slack-app-manifest.yml) and ' +
        'copy the Bot User OAuth Token (xoxb-…) into .env',
    );
  if (mode === 'socket' && !env.SLACK_APP_TOKEN) {
    throw new SettingError(
      'SLACK_APP_TOKEN',
      EXIT.slackToken,
      'is not set (Socket Mode)',
      'create an app-level token with connections:write under Basic ' +
        'Information, or run in HTTP mode with FLATNET_SLACK_MODE=http',
    );
  }
  if (mode === 'http' && !env.SLACK_SIGNING_SECRET) {
    throw new SettingError(
      'SLACK_SIGNING_SECRET',
      EXIT.slackToken,
      'is not set (HTTP mode)',
      "copy the Signing Secret from the app's Basic Information page",
    );
  }
  return {
    mode,
    botToken,
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  };
}
