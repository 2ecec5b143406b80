/** `flatnet bot` and `flatnet worker`: long-running services that stop cleanly on SIGINT/SIGTERM. */
import { createWebClient } from '../slack/create-web-client.js';
import { createSlackChat } from '../slack/slack-chat.js';
import { startBot } from '../wiring/start-bot.js';
import { createRuntime } from '../wiring/create-runtime.js';
import { loadInventory } from '../config/load-inventory.js';
import { EXIT } from './exit-codes.js';
import { cliLogger, inventoryPath, redisUrl } from './load-runtime.js';
import { numberOption, type ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';
import { readSlackEnv } from './slack-env.js';

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export async function runBot(args: ParsedArgs, io: CliOutput): Promise<number> {
  const logger = cliLogger();
  const loaded = loadInventory(inventoryPath(args));
  const slack = readSlackEnv(process.env, args.options.has('http') ? 'http' : undefined);
  const bot = await startBot({
    loaded,
    slack,
    redisUrl: redisUrl(),
    port: numberOption(args, 'port', Number(process.env.PORT ?? 3000)),
    logger,
    ...(args.options.has('with-worker') ? { worker: { concurrency: numberOption(args, 'concurrency', 8) } } : {}),
    ...(process.env.FLATNET_DASHBOARD_PASSWORD ? { dashboardPassword: process.env.FLATNET_DASHBOARD_PASSWORD } : {}),
  });
  io.err(`flatnet bot listening on :${bot.port} (${slack.mode === 'http' ? 'HTTP mode, /slack/events' : 'Socket Mode'})`);
  await untilSignal();
  await bot.stop();
  return EXIT.succeeded;
}

export async function runWorker(args: ParsedArgs, io: CliOutput): Promise<number> {
  const logger = cliLogger();
  const loaded = loadInventory(inventoryPath(args));
  const slack = readSlackEnv({ ...process.env, FLATNET_SLACK_MODE: 'http', SLACK_SIGNING_SECRET: 'unused-by-workers' });
  const chat = createSlackChat(createWebClient(slack.botToken, slack.slackApiUrl), logger);
  const runtime = await createRuntime({ loaded, redisUrl: redisUrl(), logger, chat, worker: { concurrency: numberOption(args, 'concurrency', 8) } });
  io.err('flatnet worker running');
  await untilSignal();
  await runtime.close(Number(process.env.FLATNET_SHUTDOWN_DEADLINE_MS ?? 30_000));
  return EXIT.succeeded;
}
