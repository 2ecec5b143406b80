/**
 * The Bolt app. Socket Mode by default (no public URL needed behind a firewall); HTTP mode
 * with request signing is the alternative, and what the local Slack emulator talks to.
 * Either way an Express app serves /healthz, /metrics and the queue dashboard: in HTTP mode
 * on the same port as /slack/events, in Socket Mode on its own port.
 */
import { createServer, type Server } from 'node:http';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { App as SlackApp } from '@slack/bolt';
import express from 'express';
import type { Logger } from '../log.js';


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

export interface FlatnetSlackApp {
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
  if (options.mode === 'http') {
    if (!options.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET (from the app\'s Basic Information page)');
    const receiver = new ExpressReceiver({ signingSecret: options.signingSecret, processBeforeResponse: false, logLevel });
    receiver.router.use(ops);
    // Deferred, so the token check (auth.test) is awaited in start() instead of floating in the constructor.
    const app = new App({ token: options.botToken, receiver, clientOptions, logLevel, deferInitialization: true });
    let server: Server | undefined;
    return {
      app,
      ops,
      async start() {
        server = await new Promise<Server>((resolve, reject) => {
          const s = createServer(receiver.app);
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
  if (!options.appToken) throw new Error('Socket Mode needs SLACK_APP_TOKEN (xapp-…, with connections:write)');
  const app = new App({ token: options.botToken, appToken: options.appToken, socketMode: true, clientOptions, logLevel });
  const opsApp = express();
  opsApp.use(ops);
  let server: Server | undefined;
  return {
    app,
    ops,
    async start() {
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
