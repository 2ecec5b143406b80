/**
 * `flatnet approve <run> --as USER [--reject]`: the Approve / Reject button, from a terminal.
 * The same server-side checks apply. After an approval the run executes (in this process's
 * worker unless --no-worker) and its result is printed.
 */
import { EXIT } from '../exit-codes.js';
import { followRun } from './follow-run.js';
import { loadRuntime, type RuntimeAdapters } from './load-runtime.js';
import { numberOption, stringOption, type ParsedArgs } from './parse-args.js';
import { renderRun } from './render-run.js';
import { exitCodeOf, type CliOutput } from './run-slash-command.js';

export async function approveRun(
  args: ParsedArgs,
  io: CliOutput,
  adapters: RuntimeAdapters = {},
): Promise<number> {
  const runId = args.positional[0];
  const user = stringOption(args, 'as') ?? process.env.FLATNET_USER;
  if (!runId || !/^r-[a-z0-9]{6}$/.test(runId) || !user) {
    io.err('usage: flatnet approve <run id, e.g. r-7k2m9q> --as <Slack user id> [--reject]');
    return EXIT.badInput;
  }
  const inProcessWorker = !args.options.has('no-worker');
  const { runtime } = await loadRuntime(
    args,
    inProcessWorker ? { ...adapters, worker: { concurrency: 4 } } : adapters,
  );
  try {
    const verdict = await runtime.engine.decide(
      runId,
      user,
      args.options.has('reject') ? 'reject' : 'approve',
    );
    io.err(verdict.message);
    if (!verdict.ok) return EXIT.badInput;
    const run = await followRun(runtime.engine, runId, {
      timeoutMs: numberOption(args, 'timeout', 1800) * 1000,
      progress: io.err,
    });
    io.out(renderRun(run));
    return exitCodeOf(run, io);
  } catch (err) {
    io.err((err as Error).message);
    return EXIT.badInput;
  } finally {
    await runtime.close();
  }
}
