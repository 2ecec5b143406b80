/**
 * Apply configuration lines the way an operator would, and the way Ansible's vyos modules do:
 * configure → set/delete (stop at the first error) → compare commands → commit (or
 * commit-confirm N, verify, confirm) → save → exit. Any error: `exit discard`, so nothing is
 * left half-applied. Save comes only after confirm: on 1.4 an unconfirmed commit reboots into
 * the saved config, and saving first would make the bad change permanent.
 */
import { RouterError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RouterSession } from './open-router-session.js';
import { redactSecrets } from './redact-secrets.js';
import { RouterCommand } from './router-command.js';
import type { ConfigLine } from './types.js';
import { sleep } from '../util/wait-for.js';

export interface ApplyOptions<C> {
  /**
   * Use `commit-confirm N`: the router rolls back by itself unless flatnet confirms within N
   * minutes.
   */
  confirmMinutes?: number;
  /**
   * Runs after commit-confirm and before confirm, in op mode on the same session (flatnet
   * leaves config mode with `exit`, runs the checks, then `configure` + `confirm`). Throw to
   * refuse the change: it is then never confirmed and the router rolls back by itself.
   */
  verify?: (router: C) => Promise<void>;
  /** Show the `compare` output and change nothing. */
  dryRun?: boolean;
  /** `save` after a successful commit/confirm. Default true. */
  save?: boolean;
}

export interface ApplyResult {
  /** `compare commands` output, redacted. */
  compare: string;
  committed: boolean;
  changed: boolean;
}

export interface ApplyDeps<C> {
  name: string;
  logger?: Logger;
  /** A client bound to the session already held, for `verify`. */
  clientOnSession(session: RouterSession): C;
  /** Backoff when another commit holds the configuration lock. */
  lockRetryDelaysMs?: number[];
}

const SET_ERRORS =
  /Set failed|Delete failed|Invalid command|Value validation failed|Ambiguous command|Incomplete command|is not valid/i;
const COMMIT_ERRORS = /Commit failed|Another confirm is pending|Invalid command|\]\] failed/i;
const LOCKED = /temporarily locked/i;
const NO_CHANGES =
  /No changes between working and active configurations|No configuration changes to commit/i;

/** The router's own words, redacted and on one line, for an error message. */
function quoteRouter(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.length === 0 ? '(no output)' : redactSecrets(lines.join(' / ')).slice(0, 600);
}

export async function applyConfigLines<C>(
  session: RouterSession,
  lines: ConfigLine[],
  options: ApplyOptions<C>,
  deps: ApplyDeps<C>,
): Promise<ApplyResult> {
  const { name } = deps;
  const log = deps.logger?.child({ router: name });
  // Render (and so validate) every line before the first byte is sent.
  const commands = lines.map((l) => RouterCommand.configLine(l));
  const confirmCommand =
    options.confirmMinutes !== undefined
      ? RouterCommand.commitConfirm(options.confirmMinutes)
      : undefined;
  if (commands.length === 0) return { compare: '', committed: false, changed: false };

  const fail = (what: string, output: string, hint: string) =>
    new RouterError(
      'ROUTER_COMMAND',
      name,
      `${name} refused ${what}: ${quoteRouter(output)}`,
      hint,
    );

  const send = (command: RouterCommand) => session.send(command);

  const withLockRetry = async (command: RouterCommand) => {
    const delays = deps.lockRetryDelaysMs ?? [250, 500, 1000, 2000];
    for (let attempt = 0; ; attempt++) {
      const result = await send(command);
      if (!LOCKED.test(result.output)) return result;
      const delay = delays[attempt];
      if (delay === undefined)
        throw fail(
          `\`${command.text}\` (the configuration stayed locked)`,
          result.output,
          'another commit is running on the router: wait for it to finish and try again',
        );
      log?.info(
        { attempt: attempt + 1, delay },
        'configuration locked by another commit; retrying',
      );
      await sleep(delay);
    }
  };

  const configure = async () => {
    const result = await withLockRetry(RouterCommand.op('configure'));
    if (result.mode !== 'config')
      throw fail(
        '`configure`',
        result.output,
        'check the router user may enter configuration mode',
      );
  };

  let inConfig = false;
  /**
   * A change that failed its verification, undone now rather than by the commit-confirm timer:
   * waiting would hold every other commit on the router off ("Another confirm is pending") for
   * minutes, then reboot it (1.4). The saved configuration is what the timer would return to
   * (flatnet saves only after confirm), so load it, commit it and stop the timer with confirm.
   */
  const rollBackNow = async () => {
    await configure();
    inConfig = true;
    const loaded = await send(RouterCommand.config('loadSaved'));
    if (!/Load complete/i.test(loaded.output))
      throw fail('`load` of the saved configuration', loaded.output, 'check the router');
    const committed = await withLockRetry(RouterCommand.config('commit'));
    if (COMMIT_ERRORS.test(committed.output))
      throw fail('the commit of the saved configuration', committed.output, 'check the router');
    const stopped = await send(RouterCommand.config('confirm'));
    if (/No confirm pending/i.test(stopped.output))
      throw fail('`confirm` (the timer had already fired)', stopped.output, 'check the router');
    await send(RouterCommand.config('exit'));
    inConfig = session.mode === 'config';
  };

  await configure();
  inConfig = true;
  try {
    for (const command of commands) {
      const { output } = await send(command);
      // Deleting what is already gone leaves the router as asked: idempotent, not an error.
      if (/Nothing to delete/i.test(output)) continue;
      if (SET_ERRORS.test(output)) {
        throw fail(
          `\`${redactSecrets(command.text)}\``,
          output,
          'nothing was committed (flatnet ran `exit discard`); fix the line and run again',
        );
      }
    }
    const compare = redactSecrets((await send(RouterCommand.config('compare'))).output);
    const changed = compare.trim() !== '' && !NO_CHANGES.test(compare);
    if (options.dryRun || !changed) {
      await send(RouterCommand.config('exitDiscard'));
      inConfig = false;
      return { compare, committed: false, changed };
    }

    if (confirmCommand) {
      let result = await withLockRetry(confirmCommand);
      if (result.mode === 'question') result = await send(RouterCommand.answerYes());
      if (result.mode !== 'config' || COMMIT_ERRORS.test(result.output)) {
        throw fail(
          'the commit',
          result.output,
          'nothing was committed (flatnet ran `exit discard`); fix the configuration and run again',
        );
      }
      if (options.verify) {
        await send(RouterCommand.config('exit'));
        inConfig = session.mode === 'config';
        if (inConfig)
          throw new RouterError(
            'ROUTER_COMMAND',
            name,
            `${name} would not leave configuration mode after commit-confirm`,
            `the change was not confirmed: ${name} rolls back ` +
              `by itself within ${options.confirmMinutes} minutes`,
          );
        try {
          await options.verify(deps.clientOnSession(session));
        } catch (err) {
          const why = redactSecrets(err instanceof Error ? err.message : String(err));
          const rolledBack = await rollBackNow().then(
            () => true,
            (e: unknown) => {
              log?.warn({ err: redactSecrets(String(e)) }, 'immediate rollback failed');
              return false;
            },
          );
          if (rolledBack)
            throw new RouterError(
              'ROUTER_COMMAND',
              name,
              `verification failed after commit-confirm on ${name}: ${why}. The change was ` +
                `NOT confirmed and was rolled back at once: ${name} runs its saved ` +
                'configuration again (loaded, committed, the confirm timer stopped)',
              `check why the verification failed on ${name}, then ask again`,
              { cause: err },
            );
          throw new RouterError(
            'ROUTER_COMMAND',
            name,
            `verification failed after commit-confirm on ${name}: ${why}. The change was ` +
              `NOT confirmed: ${name} rolls back by itself within ${options.confirmMinutes} ` +
              'minutes (VyOS reboots into the saved configuration)',
            `wait for the rollback, then check ${name}; do not run ` +
              `\`confirm\` by hand unless you have checked the change`,
            { cause: err },
          );
        }
        await configure();
        inConfig = true;
      }
      const confirmed = await send(RouterCommand.config('confirm'));
      if (/No confirm pending/i.test(confirmed.output)) {
        throw fail(
          '`confirm` (the commit-confirm window had already closed)',
          confirmed.output,
          `${name} has rolled back or is rolling back: check it, ` +
            'then run the change again with a longer confirm window',
        );
      }
    } else {
      const result = await withLockRetry(RouterCommand.config('commit'));
      if (COMMIT_ERRORS.test(result.output)) {
        throw fail(
          'the commit',
          result.output,
          'nothing was committed (flatnet ran `exit discard`); fix the configuration and run again',
        );
      }
    }

    if (options.save !== false) {
      const saved = await send(RouterCommand.config('save'));
      if (/error|failed|uncommitted changes/i.test(saved.output)) {
        throw fail(
          '`save` (the change is committed and running, but not saved: a reboot would lose it)',
          saved.output,
          `run \`save\` on ${name} by hand`,
        );
      }
    }
    await send(RouterCommand.config('exit'));
    inConfig = session.mode === 'config';
    if (inConfig) {
      await send(RouterCommand.config('exitDiscard'));
      inConfig = false;
    }
    log?.info(
      { lines: commands.length, confirmMinutes: options.confirmMinutes },
      'configuration applied',
    );
    return { compare, committed: true, changed: true };
  } catch (err) {
    if (inConfig && session.isOpen && session.mode === 'config') {
      await send(RouterCommand.config('exitDiscard')).catch((e: unknown) =>
        log?.warn({ err: redactSecrets(String(e)) }, 'exit discard failed'),
      );
    }
    throw err;
  }
}
