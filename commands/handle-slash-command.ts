/**
 * One slash command, from any front end (Slack or the CLI): parse, check against the
 * inventory and the caller's rights, record a Run and enqueue it. Never throws for bad input:
 * the answer says what is wrong and how to fix it.
 *
 * In two halves, because Slack wants its answer within 3 s and a burst of commands shares one
 * event loop: `receiveSlashCommand` does only what needs no I/O (parse, the inventory checks,
 * a run id made here), so Slack is answered at once; its `finish` does the rest (a check that
 * reads the routers, the run record, the queue) after the answer.
 */
import { unknownRouter } from '../src/util/find-router.js';
import type { Inventory } from '../src/config/inventory-schema.js';
import { BadInputsError, describeError, FlatnetError } from '../src/errors.js';
import type { Command, Problem } from '../src/grammar/command.js';
import { HELP_ENTRIES } from '../src/grammar/help-entries.js';
import { parseCommand } from '../src/grammar/parse-command.js';
import type { Run, RunOrigin } from '../src/runbook/types.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import type { PlannedRun, RunSubmitter } from '../src/runbook/run-request.js';
import { makeRunId } from '../src/runbook/make-run-id.js';
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

/**
 * What is known at once of a command that needs I/O to be answered: what to acknowledge with
 * (nothing: an empty ack), the run's id when it starts one, and the rest of the work.
 */
export interface LaterReply {
  kind: 'later';
  ack?: ChatText;
  /** The run this command starts, id made on arrival (so a failure after the ack names it). */
  runId?: string;
  /** True when `ack` already says the run started: `finish` is then worth saying only if not. */
  ackSaysStarted: boolean;
  /** The answer: never throws for bad input; an unexpected failure is logged (with the id). */
  finish(): Promise<SlashReply>;
}

/** The whole answer at once: the command line, the form, the tests. */
export async function handleSlashCommand(
  deps: SlashDeps,
  request: SlashRequest,
): Promise<SlashReply> {
  const arrival = receiveSlashCommand(deps, request);
  return arrival.kind === 'later' ? arrival.finish() : arrival;
}

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

/** The half of a command that needs no I/O: an answer now, or what to say now and later. */
export function receiveSlashCommand(
  deps: SlashDeps,
  request: SlashRequest,
): SlashReply | LaterReply {
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
  const { monitor, history } = deps;
  if (command.kind === 'monitor' && monitor)
    return later(deps, async () => {
      const message = await answerMonitor(monitor, deps.inventory, command, request.user, {
        ...(history ? { runs: history } : {}),
      });
      return { kind: 'reply', message, failed: false };
    });
  if (command.kind === 'history' && history) {
    if (command.router && !Object.hasOwn(deps.inventory.routers, command.router)) {
      const refusal = unknownRouter(command.router, Object.keys(deps.inventory.routers));
      return refused(refusal.message, refusal.hint);
    }
    return later(deps, async () => ({
      kind: 'reply',
      message: await buildRouterHistory(history, command.router),
      failed: false,
    }));
  }
  const planner = deps.planners[command.kind];
  if (!planner) {
    return refused(
      `${request.command} ${command.kind} is not built yet`,
      'it is coming soon: see /vpn help for what works today',
    );
  }
  let planned: PlannedRun;
  try {
    const plan = planner.plan(command, {
      inventory: deps.inventory,
      requester: request.user,
      origin: request.origin,
    });
    // Every planner answers from the inventory alone; one that needs I/O has checkBeforeRun.
    if (plan instanceof Promise) {
      // Settled now, read after the ack: a rejection is never left unawaited meanwhile.
      const settled = plan.then(
        (value) => ({ value }),
        (err: unknown) => ({ err }),
      );
      return later(deps, async () => {
        const outcome = await settled;
        if ('err' in outcome) throw outcome.err;
        return startRun(deps, request, outcome.value);
      });
    }
    planned = plan;
  } catch (err) {
    return refusedFor(deps, err);
  }
  const runId = makeRunId();
  const check = planner.checkBeforeRun?.(planned);
  const what = `${planned.kind} ${planned.target === '*' ? 'everything' : planned.target}`;
  const text = check
    ? `Checking ${check.what} before starting ${runId} (${what})…`
    : startedText({ id: runId, ...planned });
  return {
    kind: 'later',
    ack: { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] },
    runId,
    ackSaysStarted: !check,
    finish: () => startRun(deps, request, planned, runId, check),
  };
}

/** The I/O half of a run command: the check that reads the world, the record, the queue. */
async function startRun(
  deps: SlashDeps,
  request: SlashRequest,
  planned: PlannedRun,
  runId = makeRunId(),
  check?: { run(): Promise<void> },
): Promise<SlashReply> {
  try {
    await check?.run();
    const run = await deps.engine.submit({
      ...planned,
      runId,
      requester: request.user,
      origin: request.origin,
    });
    return { kind: 'run', run, message: acknowledge(run) };
  } catch (err) {
    return refusedFor(deps, err, runId);
  }
}

/** A reply whose work needs I/O; an unexpected failure is answered, and logged once here. */
function later(deps: SlashDeps, work: () => Promise<SlashReply>): LaterReply {
  return {
    kind: 'later',
    ackSaysStarted: false,
    finish: () => work().catch((err: unknown) => refusedFor(deps, err)),
  };
}

/** A failure as the person's answer: bad input as it is; anything else logged once. */
function refusedFor(deps: SlashDeps, err: unknown, runId?: string): SlashReply {
  if (err instanceof BadInputsError) return refusedAll(err.problems);
  if (!(err instanceof FlatnetError))
    deps.logger?.error({ err, ...(runId ? { runId } : {}) }, 'slash command failed');
  const hint =
    err instanceof FlatnetError
      ? err.hint
      : 'try again; if it keeps failing, tell the network team';
  const message =
    err instanceof FlatnetError
      ? err.message
      : `flatnet could not start ${runId ?? 'that'}: ${describeError(err)}`;
  return refused(message, hint);
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
  const text = startedText(run);
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}

function startedText(run: Pick<Run, 'id' | 'kind' | 'target' | 'dryRun'> & { approval?: unknown }) {
  const waiting = run.approval ? ' — it will ask for approval once the plan is ready' : '';
  return (
    `Started ${run.id} (${run.kind} ${run.target === '*' ? 'everything' : run.target}` +
    `)${run.dryRun ? ' as a dry run' : ''}${waiting}. Progress follows in the thread.`
  );
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
