import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail, type ApiContext, type ApiMethod, type ApiResult } from './api-context.js';
import * as chat from './answer-chat-methods.js';
import * as directory from './answer-directory-methods.js';
import * as files from './answer-file-methods.js';
import * as views from './answer-view-methods.js';
import { parseApiArgs, readRawBody, stringArg } from './read-request-body.js';

const METHODS: Record<string, ApiMethod> = {
  'auth.test': directory.authTest,
  'users.info': directory.usersInfo,
  'users.list': directory.usersList,
  'conversations.open': directory.conversationsOpen,
  'conversations.info': directory.conversationsInfo,
  'conversations.history': chat.conversationsHistory,
  'conversations.replies': chat.conversationsReplies,
  'usergroups.list': directory.usergroupsList,
  'usergroups.users.list': directory.usergroupsUsersList,
  'chat.postMessage': chat.postMessage,
  'chat.update': chat.updateMessage,
  'chat.delete': chat.deleteMessage,
  'chat.postEphemeral': chat.postEphemeral,
  'chat.getPermalink': chat.getPermalink,
  'views.open': views.viewsOpen,
  'views.push': views.viewsPush,
  'views.update': views.viewsUpdate,
  'files.getUploadURLExternal': files.getUploadUrlExternal,
  'files.completeUploadExternal': files.completeUploadExternal,
};

const MANIFEST = fileURLToPath(new URL('../../../slack-app-manifest.yml', import.meta.url));

export const SUPPORTED_METHODS = Object.keys(METHODS);

/**
 * What an installed flatnet app holds: the bot scopes slack-app-manifest.yml requests, read from
 * the manifest itself, as Slack grants them when the app is created from it.
 */
export function manifestScopes(): string[] {
  const manifest = parse(readFileSync(MANIFEST, 'utf8')) as {
    oauth_config?: { scopes?: { bot?: string[] } };
  };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

/**
 * The scope each method needs (docs.slack.dev, each method's "Required scopes"). A token
 * without it gets `missing_scope` with `needed` and `provided`, as Slack answers; methods
 * not listed need none (auth.test).
 */
const NEEDED_SCOPE: Record<string, string> = {
  'users.info': 'users:read',
  'users.list': 'users:read',
  'conversations.open': 'im:write',
  'conversations.info': 'channels:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

export interface RateLimitRule {
  /** A Web API method name, e.g. `chat.update`. */
  method: string;
  /** How many of the next calls get a 429 (default 1). */
  times?: number;
  /** The Retry-After header, in seconds (default 1). */
  retryAfterSeconds?: number;
}

/** Injected 429s: the next `times` calls to a method are refused with Retry-After. */
export class RateLimits {
  private readonly rules: { method: string; remaining: number; retryAfterSeconds: number }[] = [];

  add(rule: RateLimitRule): void {
    this.rules.push({
      method: rule.method,
      remaining: rule.times ?? 1,
      retryAfterSeconds: rule.retryAfterSeconds ?? 1,
    });
  }

  /** Seconds to ask the caller to wait, when this call is to be refused. */
  take(method: string): number | undefined {
    const rule = this.rules.find((r) => r.method === method && r.remaining > 0);
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.retryAfterSeconds;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export interface WebApiDeps {
  ctx: ApiContext;
  botToken: string;
  scopes: readonly string[];
  rateLimits: RateLimits;
  /** Socket Mode: the app-level token and what `apps.connections.open` hands out with it. */
  socket?: { appToken: string; issueUrl(): string };
}

/**
 * `apps.connections.open` takes only the app-level token (xapp-…, connections:write); every
 * other method refuses that token, and this one refuses a bot token: `not_allowed_token_type`
 * either way, as Slack answers.
 */
function openConnection(token: string, deps: WebApiDeps): ApiResult {
  if (token === deps.botToken) return fail('not_allowed_token_type');
  if (!deps.socket || token !== deps.socket.appToken) return fail('invalid_auth');
  return { ok: true, url: deps.socket.issueUrl() };
}

/** One Web API call: `POST /api/<method>` with a form or JSON body and a bot token. */
export async function answerWebApi(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  deps: WebApiDeps,
): Promise<void> {
  const record = (result: ApiResult, status = 200): void => {
    deps.ctx.store.apiCalls.push({ method, ok: result.ok, error: result.error, status });
  };
  const retryAfter = deps.rateLimits.take(method);
  if (retryAfter !== undefined) {
    const result = fail('ratelimited');
    record(result, 429);
    sendJson(res, 429, result, { 'retry-after': String(retryAfter) });
    return;
  }
  const raw = await readRawBody(req);
  let result: ApiResult;
  try {
    const args = await parseApiArgs(raw, req.headers['content-type']);
    // The token comes as a Bearer header from the WebClient, or as a `token` field from older
    // clients.
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? stringArg(args, 'token');
    const handler = METHODS[method];
    if (!token) result = fail('not_authed');
    else if (method === 'apps.connections.open') result = openConnection(token, deps);
    else if (token === deps.socket?.appToken) result = fail('not_allowed_token_type');
    else if (token !== deps.botToken) result = fail('invalid_auth');
    else if (!handler) result = fail('unknown_method');
    else if (lacksScope(method, deps.scopes))
      result = fail('missing_scope', {
        needed: NEEDED_SCOPE[method],
        provided: deps.scopes.join(','),
      });
    else result = await handler(args, deps.ctx);
  } catch (err) {
    // Slack answers a malformed body with invalid_arguments or invalid_json, never a 500.
    result = fail(err instanceof SyntaxError ? 'invalid_json' : 'invalid_arguments', {
      detail: (err as Error).message,
    });
  }
  record(result);
  // Slack sends the token's scopes with every answer; the WebClient reads them from here.
  sendJson(res, 200, result, { 'x-oauth-scopes': deps.scopes.join(',') });
}

function lacksScope(method: string, scopes: readonly string[]): boolean {
  const needed = NEEDED_SCOPE[method];
  return needed !== undefined && !scopes.includes(needed);
}
