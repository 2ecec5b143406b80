/**
 * The bot token scopes flatnet calls need, as slack-app-manifest.yml requests them (a unit test
 * keeps the two equal). Checked at start-up so a missing one stops the process with its name,
 * instead of failing the first DM or upload in the middle of a run.
 */
export const REQUIRED_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'im:write',
  'users:read',
  'usergroups:read',
  'files:write',
] as const;
