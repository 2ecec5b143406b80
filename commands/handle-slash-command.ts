/**
 * One slash command, from any front end (Slack or the CLI): parse, check against the
 * inventory and the caller's rights, record a Run and enqueue it. Never talks to a router or
 * to AWS, and never throws for bad input: the answer says what is wrong and how to fix it.
 */
import { unknownRouter } from '../src/util/find-router.js';
import type { Inventory } from '../src/config/inventory-schema.js';
import { BadInputsError, describeError, FlatnetError } from '../src/errors.js';
import type { Command, Problem } from '../src/grammar/command.js';
import { HELP_ENTRIES } from '../src/grammar/help-entries.js';
import { parseCommand } from '../src/grammar/parse-command.js';
import type { Run, RunOrigin } from '../src/runbook/types.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import type { RunSubmitter } from '../src/runbook/run-request.js';
import { buildErrors, buildHelp, type ChatText } from '../src/slack/blocks/index.js';
import type { Logger } from '../src/log.js';
import { buildRouterHistory, type RunHistory } from './router-history.js';
import { answerMonitor } from './router-monitor.js';
import type { MonitorStore } from '../src/monitor/monitor-store.js';

export interface SlashRequest {
  command: string;
  text: string;
  user: string;
  origin: RunOrigin;
}

export type SlashReply =
  /** An answer only the caller sees; nothing was started. */
  | {
      kind: 'reply';
      message: ChatText;
      failed: boolean;
      /**
       * A refusal's problems, each with its fix, apart (the add-peer form puts each under its
       * field). Every problem found, not only the first.
       */
      refusals?: Problem[];
    }
  /** A run was recorded and enqueued; `message` acknowledges it. */
  | { kind: 'run'; run: Run; message: ChatText }
  /** `/vpn add-peer` with no arguments: the front end opens its form. */
  | { kind: 'modal'; command: Command };

export interface SlashDeps {
  inventory: Inventory;
  engine: RunSubmitter;
  planners: Partial<Record<Command['kind'], RunRequestPlanner>>;
  /** Run records, for /router history. */
  history?: RunHistory;
  /** The monitor's memory, for /router monitor. */
  monitor?: MonitorStore;
  logger?: Logger;
}

export async function handleSlashCommand(
  deps: SlashDeps,
  request: SlashRequest,
): Promise<SlashReply> {
  const parsed = parseCommand(request.command, request.text);
  if (!parsed.ok) return refusedAll(parsed.problems ?? [parsed]);
  const command = parsed.command;
  if (command.kind === 'help') {
    const entries = HELP_ENTRIES.filter(
      (e) => !command.topic || e.command === `/${command.topic}`,
    ).map((e) => {
      const kind = kindOfUsage(e.command, e.usage);
      return {
        ...e,
        available:
          e.available ||
          deps.planners[kind] !== undefined ||
          (kind === 'history' && deps.history !== undefined) ||
          (kind === 'monitor' && deps.monitor !== undefined),
      };
    });
    return { kind: 'reply', message: buildHelp(entries), failed: false };
  }
  if (command.kind === 'add-peer-modal') return { kind: 'modal', command };
  if (command.kind === 'monitor' && deps.monitor) {
    try {
      const message = await answerMonitor(deps.monitor, deps.inventory, command, request.user, {
        ...(deps.history ? { runs: deps.history } : {}),
      });
      return { kind: 'reply', message, failed: false };
    } catch (err) {
      if (!(err instanceof FlatnetError)) throw err;
      return refused(err.message, err.hint);
    }
  }
  if (command.kind === 'history' && deps.history) {
    if (command.router && !Object.hasOwn(deps.inventory.routers, command.router)) {
      const refusal = unknownRouter(command.router, Object.keys(deps.inventory.routers));
      return refused(refusal.message, refusal.hint);
    }
    return {
      kind: 'reply',
      message: await buildRouterHistory(deps.history, command.router),
      failed: false,
    };
  }
  const planner = deps.planners[command.kind];
  if (!planner) {
    return refused(
      `${request.command} ${command.kind} is not built yet`,
      'it is coming soon: see /vpn help for what works today',
    );
  }
  try {
    const input = await planner.plan(command, {
      inventory: deps.inventory,
      requester: request.user,
      origin: request.origin,
    });
    const run = await deps.engine.submit({
      ...input,
      requester: request.user,
      origin: request.origin,
    });
    return { kind: 'run', run, message: acknowledge(run) };
  } catch (err) {
    if (err instanceof BadInputsError) return refusedAll(err.problems);
    if (!(err instanceof FlatnetError)) deps.logger?.error({ err }, 'slash command failed');
    const hint =
      err instanceof FlatnetError
        ? err.hint
        : 'try again; if it keeps failing, tell the network team';
    const message =
      err instanceof FlatnetError
        ? err.message
        : `flatnet could not start that: ${describeError(err)}`;
    return refused(message, hint);
  }
}

function refused(message: string, hint?: string): SlashReply {
  return refusedAll([{ message, ...(hint ? { hint } : {}) }]);
}

/** One answer listing every problem found, each with its fix. */
function refusedAll(problems: readonly Problem[]): SlashReply {
  const refusals = problems.map(({ message, hint }) => ({ message, ...(hint ? { hint } : {}) }));
  return { kind: 'reply', message: buildErrors(refusals), failed: true, refusals };
}

function acknowledge(run: Run): ChatText {
  const waiting = run.approval ? ' — it will ask for approval once the plan is ready' : '';
  const text =
    `Started ${run.id} (${run.kind} ${run.target === '*' ? 'everything' : run.target}` +
    `)${run.dryRun ? ' as a dry run' : ''}${waiting}. Progress follows in the thread.`;
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}

/** Help marks a subcommand available once a planner for it is registered. */
function kindOfUsage(command: string, usage: string): Command['kind'] {
  const verb = usage.split(' ')[0] ?? '';
  if (command === '/router' && verb === 'status') return 'router-status';
  const map: Record<string, Command['kind']> = {
    status: 'status',
    'add-peer': 'add-peer',
    'remove-peer': 'remove-peer',
    peers: 'peers',
    'reissue-peer': 'reissue-peer',
    'attach-vpc': 'attach-vpc',
    'sync-standby': 'sync-standby',
    policy: 'policy',
    scaleup: 'scaleup',
    scaledown: 'scaledown',
    failover: 'failover',
    failback: 'failback',
    history: 'history',
    monitor: 'monitor',
    help: 'help',
  };
  return map[verb] ?? 'help';
}
