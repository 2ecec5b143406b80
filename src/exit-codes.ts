/**
 * flatnet's exit codes: scripts, supervisors (systemd, Kubernetes) and tests branch on them.
 * 10–19: the bot or a worker refused to start because of one setting, named in its one line.
 */
export const EXIT = {
  succeeded: 0,
  failed: 1,
  badInput: 2,
  /** The run waits for a second person: approve it with `flatnet approve <run> --as USER`. */
  awaitingApproval: 3,
  /** Rejected, expired or cancelled: nothing was changed. */
  notApproved: 4,
  /** The inventory or another precondition is missing or wrong. */
  environment: 5,
  /** SLACK_BOT_TOKEN is missing or Slack refuses it (invalid_auth, revoked, …). */
  slackToken: 10,
  /** SLACK_BOT_TOKEN works but the app lacks a scope flatnet needs. */
  slackScope: 11,
  /** REDIS_URL is not a redis:// or rediss:// URL, or another Redis setting is wrong. */
  redisUrl: 12,
  /** Redis does not answer at REDIS_URL. */
  redisUnreachable: 13,
  /** PORT (or --port) is not a TCP port number. */
  port: 14,
  /** A router's SSH private key file (routers.X.ssh.privateKeyPath) is missing or unreadable. */
  sshKey: 15,
  /** A bug: an exception nobody caught (logged with its stack). */
  internal: 70,
} as const;
