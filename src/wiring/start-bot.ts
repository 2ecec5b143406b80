/**
 * The bot process: the Bolt app (Socket Mode or HTTP), its listeners, the thread reporter,
 * and optionally workers in the same process (the demo does that; production runs workers
 * as their own service). Returns a handle so the demo and the tests can stop it.
 */
import { register } from '../../commands/index.js';
import type { LoadedInventory } from '../config/load-inventory.js';
import type { Logger } from '../log.js';
import type { RedisSetting } from '../queue/redis-target.js';
import { createBoltApp } from '../slack/create-bolt-app.js';
import { createSlackChat } from '../slack/slack-chat.js';
import type { SlackEnv } from '../slack/slack-env.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './create-runtime.js';
import { mountOpsRoutes } from './ops-routes.js';
import { createBurstDeferral } from '../slack/reporter/defer-during-burst.js';

export interface BotOptions {
  loaded: LoadedInventory;
  slack: SlackEnv;
  /** A redis:// URL, or a Sentinel or Cluster target (src/cli/redis-settings.ts reads it). */
  redisUrl: RedisSetting;
  prefix?: string;
  port: number;
  host?: string;
  logger: Logger;
  worker?: RuntimeOptions['worker'];
  dashboardPassword?: string;
  runtime?: Partial<RuntimeOptions>;
}

export interface BotHandle {
  port: number;
  runtime: Runtime;
  stop(): Promise<void>;
}

export async function startBot(options: BotOptions): Promise<BotHandle> {
  const bolt = createBoltApp({
    mode: options.slack.mode,
    botToken: options.slack.botToken,
    ...(options.slack.signingSecret ? { signingSecret: options.slack.signingSecret } : {}),
    ...(options.slack.appToken ? { appToken: options.slack.appToken } : {}),
    ...(options.slack.slackApiUrl ? { slackApiUrl: options.slack.slackApiUrl } : {}),
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    logger: options.logger,
  });
  const runtime = await createRuntime({
    loaded: options.loaded,
    redisUrl: options.redisUrl,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    logger: options.logger,
    chat: createSlackChat(bolt.app.client, options.logger),
    ...(options.worker ? { worker: options.worker } : {}),
    ...options.runtime,
  });
  // The work after the acks (a key check, the run record, the queue) waits while a burst of
  // commands is acknowledged, then goes a few at a time (commands/slash-listener.ts).
  const afterAck = createBurstDeferral({ quietMs: 100, maxDelayMs: 1000, concurrency: 8 });
  register(bolt, {
    slash: runtime.slash,
    afterAck,
    decider: runtime.engine,
    prompts: runtime.prompts,
  });
  try {
    await mountOpsRoutes(bolt.ops, {
      runtime,
      ...(options.dashboardPassword ? { dashboardPassword: options.dashboardPassword } : {}),
    });
    const { port } = await bolt.start();
    runtime.openRouterSessions();
    return {
      port,
      runtime,
      async stop() {
        await bolt.stop();
        // Commands already acknowledged are recorded before the runtime closes.
        await afterAck.releaseAll();
        await runtime.close();
      },
    };
  } catch (err) {
    // The HTTP server may already listen when the token check fails: close both.
    await bolt.stop().catch(() => undefined);
    await runtime.close();
    throw err;
  }
}
