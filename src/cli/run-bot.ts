/** `flatnet bot`: the Slack front end (and optionally workers), until SIGINT/SIGTERM. */
import { startBot } from '../wiring/start-bot.js';
import { loadInventory } from '../config/load-inventory.js';
import { EXIT } from '../exit-codes.js';
import { guardProcess } from './guard-process.js';
import { portSetting } from './startup-settings.js';
import { checkBotToken } from '../slack/check-bot-token.js';
import { createWebClient } from '../slack/create-web-client.js';
import { cliLogger, inventoryPath, redisFromEnv, type RuntimeAdapters } from './load-runtime.js';
import { numberOption, type ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';
import { readSlackEnv } from '../slack/slack-env.js';
import { untilSignal } from './until-signal.js';
import { reloadOnSighup } from './reload-on-sighup.js';

export async function runBot(
  args: ParsedArgs,
  io: CliOutput,
  adapters: RuntimeAdapters = {},
): Promise<number> {
  const logger = cliLogger();
  guardProcess(logger);
  // Every setting is checked before anything starts: one line and its own exit code each.
  const port = portSetting(args, process.env);
  const redis = redisFromEnv();
  const loaded = loadInventory(inventoryPath(args));
  const slack = readSlackEnv(process.env, args.options.has('http') ? 'http' : undefined);
  await checkBotToken(createWebClient(slack.botToken, slack.slackApiUrl));
  const bot = await startBot({
    loaded,
    slack,
    redisUrl: redis.redisUrl,
    port,
    logger,
    runtime: { ...adapters, watchInventory: true, replicaAck: redis.replicaAck },
    ...(args.options.has('with-worker')
      ? { worker: { concurrency: numberOption(args, 'concurrency', 8) } }
      : {}),
    ...(process.env.FLATNET_DASHBOARD_PASSWORD
      ? { dashboardPassword: process.env.FLATNET_DASHBOARD_PASSWORD }
      : {}),
  });
  const stopReloading = reloadOnSighup(bot.runtime);
  io.err(
    `flatnet bot listening on :${bot.port} ` +
      `(${slack.mode === 'http' ? 'HTTP mode, /slack/events' : 'Socket Mode'})`,
  );
  await untilSignal();
  stopReloading();
  await bot.stop();
  return EXIT.succeeded;
}
