/**
 * `flatnet run [--config F] [--as USER] [--no-worker] "<slash command>"`: the same command
 * through the same handler, queue and worker path as Slack, printing what the bot would post.
 * Like Hubot's shell adapter: operators and tests use it.
 */
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { blocksToText } from './render-text.js';
import type { Run } from '../runbook/types.js';
import { EXIT } from '../exit-codes.js';
import { followRun } from './follow-run.js';
import { loadRuntime, type RuntimeAdapters } from './load-runtime.js';
import { numberOption, stringOption, type ParsedArgs } from './parse-args.js';
import { renderRun } from './render-run.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export async function runSlashCommand(
  args: ParsedArgs,
  io: CliOutput,
  adapters: RuntimeAdapters = {},
): Promise<number> {
  const line = args.positional.join(' ').trim();
  const match = /^(\/[a-z]+)\s*([\s\S]*)$/.exec(line);
  if (!match) {
    io.err('usage: flatnet run [--config FILE] [--as USER] "/vpn status"');
    return EXIT.badInput;
  }
  const user = stringOption(args, 'as') ?? process.env.FLATNET_USER ?? 'U0CLI';
  const inProcessWorker = !args.options.has('no-worker');
  const { runtime } = await loadRuntime(
    args,
    inProcessWorker ? { ...adapters, worker: { concurrency: 4 } } : adapters,
  );
  try {
    const reply = await handleSlashCommand(runtime.slash, {
      command: match[1]!,
      text: match[2] ?? '',
      user,
      origin: { kind: 'cli', channel: 'cli' },
    });
    if (reply.kind === 'modal') {
      io.err(
        'That command opens a form in Slack; on the command line ' +
          'give its arguments, e.g. /vpn add-peer alice --pubkey KEY',
      );
      return EXIT.badInput;
    }
    if (reply.kind === 'reply') {
      (reply.failed ? io.err : io.out)(
        blocksToText(reply.message.blocks ?? []) || reply.message.text,
      );
      return reply.failed ? EXIT.badInput : EXIT.succeeded;
    }
    io.err(reply.message.text);
    const run = await followRun(runtime.engine, reply.run.id, {
      timeoutMs: numberOption(args, 'timeout', 600) * 1000,
      progress: io.err,
    });
    io.out(renderRun(run));
    return exitCodeOf(run, io);
  } finally {
    await runtime.close();
  }
}

export function exitCodeOf(run: Run, io: CliOutput): number {
  switch (run.status) {
    case 'succeeded':
      return EXIT.succeeded;
    case 'awaiting-approval':
      io.err(`${run.id} awaits approval: flatnet approve ${run.id} --as <approver>`);
      io.out(`run: ${run.id}`);
      return EXIT.awaitingApproval;
    case 'rejected':
    case 'expired':
    case 'cancelled':
      return EXIT.notApproved;
    default:
      return EXIT.failed;
  }
}
