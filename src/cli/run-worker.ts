/**
 * `flatnet worker`: runs the queued runbooks until SIGINT/SIGTERM. It posts to Slack through
 * a plain WebClient: no Bolt app and no HTTP server, so a worker never loads either.
 */
import { createWebClient } from '../slack/create-web-client.js';
import { createSlackChat } from '../slack/slack-chat.js';
import { createRuntime } from '../wiring/create-runtime.js';
import { loadInventory } from '../config/load-inventory.js';
import { EXIT } from './exit-codes.js';
import { cliLogger, inventoryPath, redisUrl, simRuntimeOptions } from './load-runtime.js';
import { numberOption, type ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';
import { readSlackEnv } from '../slack/slack-env.js';
import { untilSignal } from './until-signal.js';
import { reloadOnSighup } from './reload-on-sighup.js';

export async function runWorker(args: ParsedArgs, io: CliOutput): Promise<number> {
  const logger = cliLogger();
  const loaded = loadInventory(inventoryPath(args));
  const slack = readSlackEnv({
    ...process.env,
    FLATNET_SLACK_MODE: 'http',
    SLACK_SIGNING_SECRET: 'unused-by-workers',
  });
  const chat = createSlackChat(createWebClient(slack.botToken, slack.slackApiUrl), logger);
  const runtime = await createRuntime({
    loaded,
    redisUrl: redisUrl(),
    logger,
    chat,
    worker: { concurrency: numberOption(args, 'concurrency', 8) },
    ...simRuntimeOptions(),
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
