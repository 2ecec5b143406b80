import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TriggerBook, type ApiContext } from './api-context.js';
import { receiveUpload } from './answer-file-methods.js';
import { ResponseUrlBook, type ResponsePayload } from './answer-response-url.js';
import { manifestScopes, RateLimits, answerWebApi, type RateLimitRule } from './answer-web-api.js';
import {
  deliverButtonClick,
  deliverSlashCommand,
  requireUser,
  type ClickButtonInput,
  type DeliveryDeps,
  type SlashCommandInput,
} from './deliver-to-bot.js';
import type { BotReply } from './bot-reply.js';
import { parseApiArgs, readRawBody } from './read-request-body.js';
import { PageServer } from './serve-page.js';
import { SlackStore } from './slack-store.js';
import { SocketModeGateway } from './socket-mode-gateway.js';
import {
  closeViewByUser,
  deliverViewSubmission,
  type SubmitViewInput,
  type ViewSubmitReply,
} from './submit-view-to-bot.js';
import type { SimMessage, SimUser, SimUsergroup } from './types.js';

export interface SlackEmulatorOptions {
  /** 0 (default) picks a free port; read it back from `url`. */
  port?: number;
  host?: string;
  /** Where the bot listens in HTTP mode, e.g. `http://127.0.0.1:3000/slack/events`. */
  botUrl?: string;
  signingSecret: string;
  /** The only token the Web API accepts (`xoxb-…`). */
  botToken: string;
  /** The bot token's scopes (default: all those slack-app-manifest.yml requests). */
  scopes?: readonly string[];
  users?: { id: string; name: string; realName: string; title: string }[];
  channels?: { id: string; name: string }[];
  usergroups?: SimUsergroup[];
  /** The bot's own user (default `U0FLATNET` "flatnet"). */
  botUser?: { id: string; name: string };
  /** Clock in ms; inject to expire trigger_ids and response_urls in tests. */
  now?: () => number;
  /** How long the emulator waits for the bot's ack (Slack: 3000 ms). */
  ackTimeoutMs?: number;
  /**
   * Socket Mode on: the app-level token (`xapp-…`) `apps.connections.open` accepts. Every
   * command, click and submission then goes over the app's connection, never to `botUrl`.
   */
  appToken?: string;
  /** How often Slack pings a Socket Mode connection (default 10 s). */
  socketPingIntervalMs?: number;
}

export interface SlackEmulator {
  /** The web page, `http://127.0.0.1:PORT/`. */
  url: string;
  /**
   * For the WebClient's `slackApiUrl`: `http://127.0.0.1:PORT/api/` (trailing slash, as Slack's).
   */
  apiUrl: string;
  port: number;
  store: SlackStore;
  setBotUrl(url: string | undefined): void;
  /** Socket Mode's connections, when the emulator was started with an `appToken`. */
  socket?: SocketModeGateway;
  /** The simulated world's control API, relayed at `/control/*` for the page's panel. */
  setControlUrl(url: string | undefined): void;
  slashCommand(input: SlashCommandInput): Promise<BotReply>;
  clickButton(input: ClickButtonInput): Promise<BotReply>;
  submitView(input: SubmitViewInput): Promise<ViewSubmitReply>;
  closeView(input: { user: string; viewId: string }): Promise<void>;
  /** A person types a plain message (not a slash command) into a channel or thread. */
  postAsUser(input: { user: string; channel: string; text: string; threadTs?: string }): SimMessage;
  /** The next `times` calls to `method` answer HTTP 429 with Retry-After. */
  rateLimit(rule: RateLimitRule): void;
  close(): Promise<void>;
}

export const DEFAULT_USERS: SimUser[] = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Adams', title: 'developer' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob Brown', title: 'network approver' },
  { id: 'U0CAROL', name: 'carol', realName: 'Carol Chen', title: 'network approver' },
];
export const DEFAULT_CHANNELS = [{ id: 'C0NETOPS', name: 'netops' }];
export const DEFAULT_USERGROUPS: SimUsergroup[] = [
  { id: 'S0NETAPPROVERS', handle: 'network-approvers', users: ['U0BOB', 'U0CAROL'] },
];

const TEAM = { id: 'T0FLATNET', domain: 'flatnet-sim', appId: 'A0FLATNET' };

export async function startSlackEmulator(options: SlackEmulatorOptions): Promise<SlackEmulator> {
  const now = options.now ?? Date.now;
  const botUser: SimUser = {
    id: options.botUser?.id ?? 'U0FLATNET',
    name: options.botUser?.name ?? 'flatnet',
    realName: 'flatnet',
    title: 'app',
    isBot: true,
  };
  const store = new SlackStore(
    botUser,
    options.users ?? DEFAULT_USERS,
    options.channels ?? DEFAULT_CHANNELS,
    options.usergroups ?? DEFAULT_USERGROUPS,
    now,
  );
  let baseUrl = '';
  let botUrl = options.botUrl;
  const ctx: ApiContext = {
    store,
    get baseUrl() {
      return baseUrl;
    },
    triggers: new TriggerBook(now),
    teamId: TEAM.id,
    teamDomain: TEAM.domain,
    appId: TEAM.appId,
  };
  const rateLimits = new RateLimits();
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const socket = options.appToken
    ? new SocketModeGateway({
        appId: TEAM.appId,
        ackTimeoutMs,
        pingIntervalMs: options.socketPingIntervalMs,
      })
    : undefined;
  const responses = new ResponseUrlBook(store, () => baseUrl, now);
  const deps: DeliveryDeps = {
    ctx,
    responses,
    verificationToken: 'sim-verification-token',
    link: {
      botUrl: () => botUrl,
      signingSecret: options.signingSecret,
      now,
      ackTimeoutMs,
      ...(socket ? { socket } : {}),
    },
  };

  const postAsUser = (input: {
    user: string;
    channel: string;
    text: string;
    threadTs?: string;
  }): SimMessage => {
    const user = requireUser(ctx, input.user);
    const channel = store.resolveChannel(input.channel);
    if (!channel) throw new Error(`no channel ${input.channel} in the Slack emulator`);
    return store.postMessage({
      channel: channel.id,
      user: user.id,
      text: input.text,
      threadTs: input.threadTs,
    });
  };

  const page = new PageServer(
    store,
    {
      // The message box: a slash command goes to the bot, anything else is just posted.
      send: async ({ user, channel, text, threadTs }) => {
        const trimmed = text.trim();
        const slash = /^(\/\S+)\s*([\s\S]*)$/.exec(trimmed);
        if (!slash) return postAsUser({ user, channel, text: trimmed, threadTs });
        if (threadTs) {
          return store.postEphemeral({
            channel,
            threadTs,
            user,
            text: `${slash[1]} is not supported in threads. Sorry!`,
          });
        }
        const reply = await deliverSlashCommand(deps, {
          user,
          channel,
          command: slash[1] ?? '',
          text: slash[2] ?? '',
        });
        return { status: reply.status, error: reply.error };
      },
      click: async (input) => {
        const reply = await deliverButtonClick(deps, input);
        return { status: reply.status, error: reply.error };
      },
      submit: async (input) => {
        const reply = await deliverViewSubmission(deps, input);
        return { status: reply.status, responseAction: reply.responseAction, errors: reply.errors };
      },
      closeView: (input) => closeViewByUser(deps, input),
    },
    TEAM.domain,
  );

  const scopes = options.scopes ?? manifestScopes();
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const api = /^\/api\/([A-Za-z0-9._]+)$/.exec(url.pathname);
    if (api && req.method === 'POST')
      return answerWebApi(req, res, api[1] ?? '', {
        ctx,
        botToken: options.botToken,
        scopes,
        rateLimits,
        ...(socket && options.appToken
          ? { socket: { appToken: options.appToken, issueUrl: () => socket.issueUrl(baseUrl) } }
          : {}),
      });
    const response = /^\/response\/([0-9a-f]+)$/.exec(url.pathname);
    if (response && req.method === 'POST') {
      const args = await parseApiArgs(await readRawBody(req), req.headers['content-type']);
      const answer = responses.receive(response[1] ?? '', args as ResponsePayload);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      return void res.end(answer.body);
    }
    const upload = /^\/upload\/v1\/(F[0-9A-F]+)$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      const raw = await readRawBody(req);
      const type = req.headers['content-type'] ?? '';
      const args =
        type.startsWith('multipart/') || type.startsWith('application/x-www-form')
          ? await parseApiArgs(raw, type)
          : raw;
      const answer = receiveUpload(store, upload[1] ?? '', args);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      return void res.end(answer.body);
    }
    if (await page.handle(req, res, url)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(
      `The Slack emulator has no ${req.method ?? ''} ` +
        `${url.pathname}. The Web API lives under /api/<method>.`,
    );
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Slack emulator error: ${(err as Error).message}`);
    });
  });
  socket?.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${baseUrl}/`,
    apiUrl: `${baseUrl}/api/`,
    port,
    store,
    setBotUrl: (url) => {
      botUrl = url;
    },
    ...(socket ? { socket } : {}),
    setControlUrl: (url) => page.setControlUrl(url),
    slashCommand: (input) => deliverSlashCommand(deps, input),
    clickButton: (input) => deliverButtonClick(deps, input),
    submitView: (input) => deliverViewSubmission(deps, input),
    closeView: (input) => closeViewByUser(deps, input),
    postAsUser,
    rateLimit: (rule) => rateLimits.add(rule),
    close: async () => {
      page.close();
      socket?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
