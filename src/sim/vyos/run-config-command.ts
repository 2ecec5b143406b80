/**
 * Configuration mode: `set`/`delete` on the session's working copy, `compare`, `commit`,
 * `commit-confirm` (with its Proceed prompt), `confirm`, `save`, `discard`, `exit`, `run`.
 * Texts are VyOS 1.4's; failures end with the line drivers match (`Set failed`, …).
 */
import type { CliToken } from './parse-cli-words.js';
import type { ConfigTree } from './config-tree.js';
import type { VyosRouter } from './vyos-router.js';
import { compareCommands, compareTree, NO_CHANGES } from './compare-configs.js';
import { renderCurlyBody } from './render-config-curly.js';
import { resolveConfigPath } from './resolve-config-path.js';
import { runOpCommand, type OpResult } from './run-op-command.js';

export interface ConfigContext {
  router: VyosRouter;
  working: ConfigTree;
  print(lines: string[]): void;
  /** Print a question without a newline and read the next line the client types. */
  ask(question: string): Promise<string>;
}

export interface ConfigResult {
  leave?: boolean;
  discardWorking?: boolean;
  /** `load`: the working configuration becomes this one. */
  loaded?: ConfigTree;
  /** An op command run with `run` asked for something only the shell can do. */
  op?: OpResult;
}

/** VyOS indents set/delete complaints by two spaces between blank lines. */
function indented(lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', ...lines.map((l) => `  ${l}`), ''];
}

async function commitConfirm(ctx: ConfigContext, args: string[]): Promise<void> {
  const { router, working } = ctx;
  if (router.confirmPending) return ctx.print(['Another confirm is pending']);
  const minutesWord = args[0] !== undefined && /^\d+$/.test(args[0]) ? args[0] : '10';
  const minutes = Number(minutesWord);
  const action = router.confirmAction(working);
  ctx.print([
    '',
    `commit-confirm will automatically ${action} in ${minutes} minutes unless changes`,
    'are confirmed.',
    '',
  ]);
  const answer = (await ctx.ask('Proceed ? [Y/n] ')).trim().toLowerCase();
  if (answer !== '' && answer !== 'y' && answer !== 'yes') return;
  if (working.equals(router.active)) return ctx.print(['No configuration changes to commit']);
  const rollback = router.active.clone();
  const result = await router.commit(working);
  // VyOS validates before it arms anything: a failed (or locked-out) commit prints only its
  // failure and schedules no reboot, so a driver never sees "Initialized" for nothing.
  if (result.outcome !== 'committed') return ctx.print(result.lines);
  router.armCommitConfirm(minutes, action, rollback);
  ctx.print([
    `Initialized commit-confirm; ${minutes} minutes to confirm before ${action}`,
    ...result.lines,
  ]);
}

function show(ctx: ConfigContext, words: string[]): void {
  if (words.length === 0) return ctx.print(renderCurlyBody(ctx.working.root, 0));
  const resolved = resolveConfigPath(words, 'show');
  if (!resolved.ok) return ctx.print(indented(resolved.lines));
  const node = ctx.working.find(resolved.path);
  if (!node) return ctx.print(['', 'Configuration under specified path is empty', '']);
  if (node.values) return ctx.print(node.values.map((v) => `${resolved.path.at(-1) ?? ''} ${v}`));
  ctx.print(renderCurlyBody(node, 0));
}

export async function runConfigCommand(
  ctx: ConfigContext,
  tokens: CliToken[],
): Promise<ConfigResult> {
  const words = tokens.filter((t) => !t.separator).map((t) => t.text);
  const [command, ...args] = words;
  const { router, working } = ctx;
  switch (command) {
    case undefined:
      return {};
    case 'set':
    case 'delete': {
      if (args.length === 0) {
        ctx.print(
          indented([
            `Configuration path: [] is not valid`,
            command === 'set' ? 'Set failed' : 'Delete failed',
          ]),
        );
        return {};
      }
      const result = command === 'set' ? working.set(args) : working.delete(args);
      ctx.print(indented(result.lines));
      return {};
    }
    case 'show':
      show(ctx, args);
      return {};
    case 'compare': {
      if (args.length > 0 && args[0] !== 'commands') {
        ctx.print(indented([`Invalid command: compare [${args[0]}]`]));
        return {};
      }
      const diff =
        args[0] === 'commands'
          ? compareCommands(router.active, working)
          : compareTree(router.active, working);
      ctx.print(diff.length === 0 ? [NO_CHANGES] : diff);
      return {};
    }
    case 'commit': {
      const result = await router.commit(working);
      ctx.print(result.lines);
      return {};
    }
    case 'commit-confirm':
      await commitConfirm(ctx, args);
      return {};
    case 'confirm': {
      const action = router.confirmAction() === 'reload' ? 'Reload' : 'Reboot';
      ctx.print([router.confirmCommit() ? `${action} timer stopped` : 'No confirm pending']);
      return {};
    }
    case 'save':
      if (!working.equals(router.active))
        ctx.print(['Warning: you have uncommitted changes that will not be saved.', '']);
      router.save();
      if (router.version === '1.3')
        ctx.print(["Saving configuration to '/config/config.boot'...", 'Done']);
      return {};
    case 'load': {
      // VyOS 1.4 `load` with no file: the saved configuration into the working one, to be
      // committed (vyatta-cfg vyatta-load-config.pl; other sources are not modelled).
      if (args.length > 0 && args[0] !== '/config/config.boot') {
        ctx.print([`Cannot open configuration file ${args[0]}: No such file or directory`]);
        return {};
      }
      ctx.print([
        "Loading configuration from '/config/config.boot'",
        "Load complete. Use 'commit' to make changes active.",
      ]);
      return { loaded: router.saved.clone() };
    }
    case 'discard': {
      const changed = !working.equals(router.active);
      ctx.print([changed ? '  Changes have been discarded' : '  No changes have been discarded']);
      return { discardWorking: true };
    }
    case 'exit':
    case 'quit': {
      if (args[0] === 'discard') return { leave: true, discardWorking: true };
      if (!working.equals(router.active)) {
        ctx.print([
          'Cannot exit: configuration modified.',
          "Use 'exit discard' to discard the changes and exit.",
        ]);
        return {};
      }
      if (!router.active.equals(router.saved))
        ctx.print(['Warning: configuration changes have not been saved.']);
      return { leave: true };
    }
    case 'run': {
      const op = runOpCommand(router, tokens.slice(1));
      if (op.action === 'configure') ctx.print(['Already in configure mode']);
      else ctx.print(op.lines);
      return op.action === 'logout' ? {} : { op };
    }
    default:
      ctx.print(indented([`Invalid command: [${command}]`]));
      return {};
  }
}
