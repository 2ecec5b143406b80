/**
 * The Bolt app. Socket Mode by default (no public URL needed behind a firewall); HTTP mode
 * with request signing is the alternative, and what the local Slack emulator talks to.
 * Either way an Express app serves /healthz, /metrics and the queue dashboard: in HTTP mode
 * on the same port as /slack/events, in Socket Mode on its own port.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { App as SlackApp } from '@slack/bolt';
import express from 'express';
import type { Logger } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import { reportListenerError } from './report-listener-error.js';
import { bufferBody, checkSlackEnvelope } from './check-slack-envelope.js';
import { onlyInstalledWorkspace, type InstalledWorkspace } from './only-installed-workspace.js';
import {
  createSlashFrontDoor,
  type SlashCommandRoutes,
  type SlashFrontDoor,
} from './slash-front-door.js';

/** Where Slack sends commands, interactivity and events in HTTP mode (Bolt's default). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface BoltAppOptions {
  mode: 'socket' | 'http';
  botToken: string;
  /** HTTP mode: verifies every request. */
  signingSecret?: string;
  /** Socket Mode: the app-level token (xapp-…) with connections:write. */
  appToken?: string;
  /** HTTP mode: /slack/events and the ops routes; Socket Mode: the ops routes only. */
  port: number;
  host?: string;
  /** Another Slack Web API base URL (the emulator's). */
  slackApiUrl?: string;
  logger: Logger;
}

/** `command` listens for a slash command: at the front door in HTTP mode, in Bolt otherwise. */
export interface FlatnetSlackApp extends SlashCommandRoutes {
  app: SlackApp;
  /** Mount /healthz, /metrics, the dashboard here. */
  ops: express.Router;
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export function createBoltApp(options: BoltAppOptions): FlatnetSlackApp {
  const clientOptions = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    // A 429 must not stall a runbook for minutes inside the client: the reporter retries itself.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
  };
  const ops = express.Router();
  const logLevel = LogLevel.WARN;
  // No conversation store: flatnet keeps no per-conversation state in Bolt, and the default
  // in-memory store answers every lookup by throwing an Error (stack trace included), about
  // 6% of the CPU time of each acknowledgement.
  const convoStore = false;
  if (options.mode === 'http') {
    if (!options.signingSecret)
      throw new Error(
        "HTTP mode needs SLACK_SIGNING_SECRET (from the app's Basic Information page)",
      );
    // Slack's requests are checked, then a slash command is answered at the front door and the
    // rest goes to Bolt's plain HTTP receiver; everything else to Express. Bolt's
    // ExpressReceiver would route /slack/events through Express's router as well, which cost
    // about a sixth of the CPU time of each acknowledgement (measured under bench/ack.ts).
    const receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: false,
      logLevel,
    });
    const opsApp = express();
    opsApp.use(ops);
    const signingSecret = options.signingSecret;
    // Deferred, so the token check (auth.test) is awaited in start() instead of floating in the
    // constructor.
    const app = new App({
      token: options.botToken,
      receiver,
      clientOptions,
      logLevel,
      convoStore,
      deferInitialization: true,
    });
    app.error(reportListenerError(options.logger));
    const workspace = guardWorkspace(app, options.logger);
    const door = createSlashFrontDoor({
      installed: workspace.installed,
      client: app.client,
      logger: options.logger,
    });
    const slack = { signingSecret, receiver, door, logger: options.logger };
    const route: RequestListener = (req, res) => {
      const path = req.url?.split('?', 1)[0];
      if (req.method === 'POST' && path === SLACK_EVENTS_PATH)
        void receiveSlackRequest(req, res, slack);
      else opsApp(req, res);
    };
    let server: Server | undefined;
    return {
      app,
      ops,
      command: door.command,
      async start() {
        await workspace.learn();
        server = await new Promise<Server>((resolve, reject) => {
          const s = createServer(route);
          s.once('error', reject);
          s.listen(options.port, options.host ?? '0.0.0.0', () => resolve(s));
        });
        await app.init();
        const address = server.address();
        return { port: typeof address === 'object' && address ? address.port : options.port };
      },
      async stop() {
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
        server?.closeAllConnections();
      },
    };
  }
  if (!options.appToken)
    throw new Error('Socket Mode needs SLACK_APP_TOKEN (xapp-…, with connections:write)');
  const app = new App({
    token: options.botToken,
    appToken: options.appToken,
    socketMode: true,
    clientOptions,
    // The Socket Mode client opens its connection (apps.connections.open) with a client of its
    // own, built from these options only: without them it would ask slack.com even when the
    // Web API is elsewhere. Its own retry policy is kept (many retries, so that a reconnect
    // outlives a short Slack outage) instead of the runbooks' short one above.
    installerOptions: {
      clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
    },
    // The connection's own news (socket lost, reconnecting) belongs in the same log as ours.
    logger: boltLogger(options.logger),
    logLevel,
    convoStore,
  });
  app.error(reportListenerError(options.logger));
  const workspace = guardWorkspace(app, options.logger);
  const opsApp = express();
  opsApp.use(ops);
  let server: Server | undefined;
  return {
    app,
    ops,
    command: (name, listener) => app.command(name, (args) => listener(args)),
    async start() {
      await workspace.learn();
      await app.start();
      server = await new Promise<Server>((resolve, reject) => {
        const s = createServer(opsApp);
        s.once('error', reject);
        s.listen(options.port, options.host ?? '0.0.0.0', () => resolve(s));
      });
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : options.port };
    },
    async stop() {
      await app.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/**
 * Registers the workspace check before every listener; `learn` asks Slack (auth.test) which
 * workspace the token belongs to, before the first request can arrive.
 */
function guardWorkspace(
  app: SlackApp,
  logger: Logger,
): { learn(): Promise<void>; installed(): InstalledWorkspace | undefined } {
  let installed: InstalledWorkspace | undefined;
  app.use(onlyInstalledWorkspace(() => installed, logger));
  return {
    installed: () => installed,
    async learn() {
      const me = await app.client.auth.test();
      installed = {
        teamId: me.team_id ?? '',
        ...(me.enterprise_id ? { enterpriseId: me.enterprise_id } : {}),
      };
    },
  };
}

/**
 * /slack/events: checked (src/slack/check-slack-envelope.ts); a slash command answered at the
 * front door (slash-front-door.ts), anything else handed to Bolt buffered. Nothing is logged
 * on the way to an ack: only refusals and failures are.
 */
async function receiveSlackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  to: { signingSecret: string; receiver: HTTPReceiver; door: SlashFrontDoor; logger: Logger },
): Promise<void> {
  try {
    const body = await bufferBody(req);
    const verdict = body
      ? checkSlackEnvelope(req, body.toString('utf8'), to.signingSecret)
      : ({ ok: false, status: 413, why: 'body too large' } as const);
    if (!verdict.ok) {
      to.logger.warn(
        { status: verdict.status, why: verdict.why },
        'refused a request to /slack/events',
      );
      res.writeHead(verdict.status).end();
      return;
    }
    if (verdict.form && to.door.answer(verdict.form, res)) return;
    // Bolt reads a request that already carries `rawBody` as it is (HTTPModuleFunctions.js).
    (req as IncomingMessage & { rawBody: Buffer }).rawBody = body!;
    to.receiver.requestListener(req, res);
  } catch (err) {
    to.logger.error({ err }, 'a request to /slack/events failed before Bolt saw it');
    if (!res.headersSent) res.writeHead(400).end();
  }
}
