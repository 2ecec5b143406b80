/**
 * `flatnet demo` (`npm run demo`): start everything (see src/demo/start-demo.ts), print the
 * page URL and three things to try, and on Ctrl-C or SIGTERM stop what was started, and only
 * that, before exiting.
 */
import { describeError } from '../errors.js';
import { startDemo, type DemoHandle } from '../demo/start-demo.js';
import { EXIT } from '../exit-codes.js';
import { numberOption, stringOption, type ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';

/** A stable address for the page when it is free, so a bookmark survives a restart. */
export const DEMO_PORT = 3300;

export function describeDemo(demo: DemoHandle, seconds: number, withDashboard = false): string {
  return [
    '',
    `  flatnet demo is ready in ${seconds.toFixed(1)} s: open ${demo.url}`,
    '',
    '  Three things to try (type them in the message box; switch people with "Signed in as"):',
    '    1. /vpn status                    every region and router, problems first',
    '    2. /router scaleup hub-tokyo-a    as alice ' +
      '(developer); then sign in as bob (network approver),',
    '                                      click ' +
      'Approve in the thread, and watch the checklist run',
    '    3. /vpn status eu-west-1          one region ' +
      '(and /vpn status mars-1: how bad input is answered)',
    '',
    `  Redis ${demo.redis.url} (` +
      (demo.redis.source === 'private' ? 'a private redis-server, stopped on exit' : 'yours') +
      `), keys under ${demo.prefix}: (deleted on exit)`,
    `  Break things: the panel beside the channel, or the world's control API ${demo.controlUrl}`,
    `    e.g. curl -X POST ${demo.controlUrl}/routers/hub-tokyo-a/down   (src/sim/world/README.md)`,
    `  Inventory ${demo.inventoryPath}`,
    demo.slackMode === 'socket'
      ? `  Bot over Socket Mode (--http for HTTP mode) · ${demo.botUrl}/healthz · ` +
        `${demo.botUrl}/metrics`
      : `  Bot ${demo.botUrl}/slack/events · ${demo.botUrl}/healthz · ${demo.botUrl}/metrics`,
    ...(withDashboard
      ? [
          `  Queue dashboard ${demo.botUrl}/admin/queues (user ` +
            'flatnet, the password in FLATNET_DASHBOARD_PASSWORD)',
        ]
      : []),
    '',
    '  Ctrl-C stops the demo.',
  ].join('\n');
}

/**
 * Resolves on the first SIGINT/SIGTERM and keeps listening, so that a second one does not kill
 * the process halfway through stopping (a terminal's Ctrl-C reaches both npm and this process,
 * and npm forwards it once more). Stopping is bounded by the workers' shutdown deadline.
 *
 * `npm run demo` runs `node bin/flatnet.js`, which registers tsx in this process, and never the
 * `tsx` command: that one relays a signal to its child and SIGKILLs it when the child does not
 * answer within 60 ms (tsx 4.23 `relaySignalToChild`), which a demo busy for a moment on a
 * loaded machine does not, and then nothing is stopped and the demo's Redis keys stay.
 */
function untilSignal(io: CliOutput): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const on = (signal: NodeJS.Signals): void => {
      if (first) return void io.err(`  (${signal}: still stopping, one moment)`);
      first = signal;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function runDemo(args: ParsedArgs, io: CliOutput): Promise<number> {
  // The demo's EC2 is the local emulator: the SDK's notice about future Node versions is noise
  // here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let demo: DemoHandle;
  try {
    demo = await startDemo({
      port: numberOption(args, 'port', DEMO_PORT),
      // Socket Mode, as production defaults to; `--http` for signed requests to /slack/events.
      slackMode: args.options.has('http') ? 'http' : 'socket',
      ...(stringOption(args, 'dir') ? { dir: stringOption(args, 'dir') } : {}),
      ...(process.env.FLATNET_DASHBOARD_PASSWORD
        ? { dashboardPassword: process.env.FLATNET_DASHBOARD_PASSWORD }
        : {}),
      onStage: (stage) => io.err(`  · ${stage}`),
    });
  } catch (err) {
    io.err(`flatnet demo could not start: ${describeError(err)}`);
    return EXIT.environment;
  }
  // process.uptime(): what the person waited for, from `npm run demo` to a usable page.
  io.out(describeDemo(demo, process.uptime(), Boolean(process.env.FLATNET_DASHBOARD_PASSWORD)));
  const signal = await untilSignal(io);
  io.err(`\n  ${signal}: stopping the demo…`);
  try {
    await demo.stop();
  } catch (err) {
    io.err(`flatnet demo did not stop cleanly: ${describeError(err)}`);
    return EXIT.failed;
  }
  io.err('  stopped.');
  return EXIT.succeeded;
}
