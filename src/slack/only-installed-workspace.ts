/**
 * Requests from the one workspace flatnet is installed in, and no other. Bolt with a single
 * bot token never compares a request's team with the token's (its authorize() returns only
 * the bot's ids; `context.teamId` is copied from the request itself, @slack/bolt App.js
 * `runAuthTestForBotToken`), and an app distributed to several workspaces shares one signing
 * secret: a correctly signed request may come from a stranger's workspace. flatnet learns its
 * own team (and Enterprise Grid org) from `auth.test` at start and refuses every request
 * whose `team_id` / `team.id` / `enterprise_id` differs — acknowledged, so Slack does not
 * retry it, with one private line, and logged.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../log.js';

export interface InstalledWorkspace {
  teamId: string;
  /** Enterprise Grid org id, when the token belongs to one. */
  enterpriseId?: string;
}

interface RequestOrigin {
  teamId?: string;
  enterpriseId?: string;
}

/** Where Slack puts the team: slash commands flat, interactive payloads nested. */
export function requestOrigin(body: unknown): RequestOrigin {
  const b = (body ?? {}) as Record<string, unknown>;
  const nested = (key: string): string | undefined => {
    const value = b[key] as { id?: unknown } | null | undefined;
    return typeof value?.id === 'string' ? value.id : undefined;
  };
  const flat = (key: string): string | undefined =>
    typeof b[key] === 'string' && b[key] !== '' ? (b[key] as string) : undefined;
  const user = b.user as { team_id?: unknown } | undefined;
  const origin: RequestOrigin = {};
  const teamId =
    flat('team_id') ??
    nested('team') ??
    (typeof user?.team_id === 'string' ? user.team_id : undefined);
  const enterpriseId = flat('enterprise_id') ?? nested('enterprise');
  if (teamId) origin.teamId = teamId;
  if (enterpriseId) origin.enterpriseId = enterpriseId;
  return origin;
}

/** The team must be ours; an Enterprise Grid org, when the request names one, too. */
export function isFromWorkspace(origin: RequestOrigin, installed: InstalledWorkspace): boolean {
  if (origin.teamId !== installed.teamId) return false;
  return origin.enterpriseId === undefined || origin.enterpriseId === installed.enterpriseId;
}

/** What a command from another workspace is answered (acknowledged: Slack does not retry). */
export const FOREIGN_COMMAND_ANSWER =
  'This flatnet is installed in another Slack workspace; nothing was done.';

/** True, and logged, when the request is not from our workspace (or ours is not known yet). */
export function refusedAsForeign(
  ours: InstalledWorkspace | undefined,
  body: unknown,
  logger: Logger,
): boolean {
  const origin = requestOrigin(body);
  if (ours && isFromWorkspace(origin, ours)) return false;
  logger.warn(
    { team: origin.teamId, enterprise: origin.enterpriseId, installed: ours?.teamId },
    'refused a Slack request from another workspace',
  );
  return true;
}

export function onlyInstalledWorkspace(
  installed: () => InstalledWorkspace | undefined,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (!refusedAsForeign(installed(), args.body, logger)) return args.next();
    if ('ack' in args && typeof args.ack === 'function') {
      const isCommand = 'command' in args;
      await (args.ack as (r?: unknown) => Promise<void>)(
        isCommand ? FOREIGN_COMMAND_ANSWER : undefined,
      );
    }
  };
}
