#!/usr/bin/env node
/**
 * `flatnet` — the one entry point: bot, worker, sim, demo, run, approve, check.
 * It only wires: each subcommand lives in src/cli/ or src/wiring/.
 */
import { exitCodeOf, failureLine } from './cli/exit-code-of.js';
import { EXIT } from './exit-codes.js';
import { parseArgs } from './cli/parse-args.js';
import type { RuntimeAdapters } from './cli/load-runtime.js';

const USAGE = [
  'flatnet — chat-ops for a multi-region VyOS VPN on AWS',
  '',
  '  flatnet demo                         the local world + Slack emulator + bot + workers ' +
    '(npm run demo)',
  '  flatnet sim [--write-inventory F] [--routers N] [--ssh-latency-ms MS] ' +
    '[--ec2-latency-ms MS]',
  '  flatnet run [--config F] [--as USER] "/vpn status"     a slash command from the terminal',
  '  flatnet run "/vpn help", flatnet run "/router help"    every slash command, as in Slack',
  '  flatnet approve <run> --as USER [--reject]             approve or reject a waiting run',
  '  flatnet check --config F             validate an inventory and test SSH and AWS, ' +
    'router by router',
  '  flatnet iam-policy --config F        the least-privilege IAM policy for the ' +
    "inventory's regions",
  '  flatnet bot [--config F] [--http] [--port P] [--with-worker]',
  '  flatnet worker [--config F] [--concurrency N]',
  '',
  'Environment: REDIS_URL (default redis://127.0.0.1:6379) or REDIS_SENTINELS and',
  'REDIS_SENTINEL_NAME or REDIS_CLUSTER_NODES (docs/redis-ha.md), FLATNET_CONFIG, SLACK_BOT_TOKEN,',
  'SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (FLATNET_SLACK_MODE=http), LOG_LEVEL.',
].join('\n');

// flatnet targets Node 20 knowingly (see README); the SDK's reminder would bury the CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const io = {
  out: (t: string) => process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(`${t}\n`),
};

/**
 * Against `flatnet sim`, a scale-up's new instance answers SSH where the simulator says. Its
 * adapter alone reads FLATNET_SIM_CONTROL_URL (empty without it); the entry point loads it and
 * hands it down, so no production module imports the simulator.
 */
async function simAdapters(): Promise<RuntimeAdapters> {
  const { simRuntimeAdapters } = await import('./sim/world/sim-replacement-ssh.js');
  return simRuntimeAdapters(process.env);
}

async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, ['no-worker', 'reject', 'http', 'with-worker', 'dry-run']);
  // Each subcommand imports only what it runs: a worker, say, never loads Bolt and Express,
  // whose code would otherwise sit in its memory for nothing.
  switch (sub) {
    case 'run': {
      const { runSlashCommand } = await import('./cli/run-slash-command.js');
      return runSlashCommand(args, io, await simAdapters());
    }
    case 'approve': {
      const { approveRun } = await import('./cli/approve-run.js');
      return approveRun(args, io, await simAdapters());
    }
    case 'bot': {
      const { runBot } = await import('./cli/run-bot.js');
      return runBot(args, io, await simAdapters());
    }
    case 'worker': {
      const { runWorker } = await import('./cli/run-worker.js');
      return runWorker(args, io, await simAdapters());
    }
    case 'sim': {
      const { runSim } = await import('./sim/world/run-sim.js');
      await runSim(rest);
      return EXIT.succeeded;
    }
    case 'demo': {
      const { runDemo } = await import('./cli/run-demo.js');
      return runDemo(args, io);
    }
    case 'iam-policy': {
      const { printIamPolicy } = await import('./cli/print-iam-policy.js');
      return printIamPolicy(args, io);
    }
    case 'check': {
      const { runCheck } = await import('./cli/run-check.js');
      return runCheck(args, io);
    }
    case undefined:
    case 'help':
    case '--help':
      io.out(USAGE);
      return EXIT.succeeded;
    default:
      io.err(`flatnet: unknown command "${sub}"\n\n${USAGE}`);
      return EXIT.badInput;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    io.err(failureLine(err));
    process.exit(exitCodeOf(err));
  },
);
