/**
 * `flatnet worker`: runs the queued runbooks until SIGINT/SIGTERM. It posts to Slack through
 * a plain WebClient: no Bolt app and no HTTP server, so a worker never loads either.
 */
import { createWebClient } from '../slack/create-web-client.js';
import { createSlackChat } from '../slack/slack-chat.js';
import { createRuntime } from '../wiring/create-runtime.js';
import { loadInventory } from '../config/load-inventory.js';
import { EXIT } from '../exit-codes.js';
import { guardProcess } from './guard-process.js';
import { checkBotToken } from '../slack/check-bot-token.js';
import { cliLogger, inventoryPath, redisFromEnv, type RuntimeAdapters } from './load-runtime.js';
import { numberOption, type ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';
import { readSlackEnv } from '../slack/slack-env.js';
import { untilSignal } from './until-signal.js';
import { reloadOnSighup } from './reload-on-sighup.js';

export async function runWorker(
  args: ParsedArgs,
  io: CliOutput,
  adapters: RuntimeAdapters = {},
): Promise<number> {
  const logger = cliLogger();
  guardProcess(logger);
  // Every setting is checked before anything starts: one line and its own exit code each.
  const redis = redisFromEnv();
  const loaded = loadInventory(inventoryPath(args));
  const slack = readSlackEnv({
    ...process.env,
    FLATNET_SLACK_MODE: 'http',
    SLACK_SIGNING_SECRET: 'unused-by-workers',
  });
  const client = createWebClient(slack.botToken, slack.slackApiUrl);
  await checkBotToken(client);
  const chat = createSlackChat(client, logger);
  const runtime = await createRuntime({
    loaded,
    redisUrl: redis.redisUrl,
    replicaAck: redis.replicaAck,
    logger,
    chat,
    worker: { concurrency: numberOption(args, 'concurrency', 8) },
    ...adapters,
    watchInventory: true,
    // Every worker joins the one scheduled monitor (one round per interval across them all).
    monitor: process.env.FLATNET_MONITOR !== 'off',
  });
  const stopReloading = reloadOnSighup(runtime);
  io.err('flatnet worker running');
  await untilSignal();
  stopReloading();
  await runtime.close(Number(process.env.FLATNET_SHUTDOWN_DEADLINE_MS ?? 30_000));
  return EXIT.succeeded;
}
