import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { peerReportOf } from '../report/peer-report.js';
import { statusReportOf } from '../report/status-report-of.js';
import { buildPeerList } from './blocks/build-peer-list.js';
import type { RunObserver } from '../runbook/observer.js';
import type { Run, RunEvent } from '../runbook/types.js';
import {
  buildApprovalPrompt,
  buildRunSummary,
  buildStatusDetails,
  type ChatText,
} from './blocks/index.js';
import type { ChatPort } from './chat-port.js';
import { callSlack, errText, type RetryPolicy } from './reporter/call-slack.js';
import { createBurstDeferral } from './reporter/defer-during-burst.js';
import {
  newEdits,
  noEditWaiting,
  requestEdit as askForEdit,
  type Edited,
  type EditState,
} from './reporter/edit-pacing.js';
import { eventReply } from './reporter/event-replies.js';
import {
  createPromptIndex,
  createThreadStore,
  type ThreadRecord,
} from './reporter/thread-store.js';
import {
  checklistMessage as layChecklist,
  isFinal,
  isStatusRun,
  rootKey,
  rootMessage,
} from './reporter/thread-layout.js';
import { sleep as pause } from '../util/wait-for.js';

export type { RunObserver };

export interface ThreadReporter extends RunObserver {
  /** Wait until everything reported so far (for one run, or all) is in Slack, or given up on. */
  flush(runId?: string): Promise<void>;
  /**
   * Stop taking events and flush (graceful shutdown). Does not close `redis`: it is the caller's.
   */
  close(): Promise<void>;
}

export interface ThreadReporterOptions {
  chat: ChatPort;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /**
   * At most one edit per message per interval: `chat.update` is tier 3 (≈ 50/min per workspace).
   */
  minEditIntervalMs?: number;
  /** The clock shown to people (approval expiry); edit pacing always uses the real clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<Omit<RetryPolicy, 'sleep'>>;
  /**
   * Threads of runs created in a burst start when the burst is over (after `quietMs` without a
   * new run, at most `maxDelayMs` after the first), `concurrency` at a time: see
   * reporter/defer-during-burst.ts. Default 200 ms, 2 s, 1.
   */
  createdBurst?: { quietMs: number; maxDelayMs: number; concurrency: number };
}

interface RunState {
  /** The latest snapshot: every edit renders this, so a late edit shows the newest state. */
  run: Run;
  /** Latest progress note per step, folded into the checklist. */
  notes: Record<string, string>;
  thread: ThreadRecord;
  /** What the root message shows now (a status, or `report`); undefined: unknown, edit it. */
  rootShows?: string;
  tail: Promise<void>;
  pending: number;
  edits: Record<Edited, EditState>;
  waiters: (() => void)[];
}

/**
 * Reports runs into Slack threads: a root message per run, a live checklist edited in place
 * (coalesced to the rate limits), the approval prompt, replies for failures and undos, and a
 * final summary. `onEvent` only queues work: a Slack outage or a 429 delays the thread,
 * never the run. Message timestamps live in Redis so any process can carry on the thread.
 */
export function createThreadReporter(options: ThreadReporterOptions): ThreadReporter {
  const { chat, logger } = options;
  const log = logger.child({ component: 'thread-reporter' });
  const minEditIntervalMs = options.minEditIntervalMs ?? 1200;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const policy: RetryPolicy = {
    maxAttempts: 3,
    maxRateLimitWaits: 10,
    maxRetryAfterMs: 60_000,
    backoffMs: 250,
    ...options.retry,
    sleep,
  };
  const store = createThreadStore(options.redis, options.prefix, sleep);
  const prompts = createPromptIndex(options.redis, options.prefix);
  const runs = new Map<string, RunState>();
  const createdBurst = createBurstDeferral(
    options.createdBurst ?? { quietMs: 200, maxDelayMs: 2000, concurrency: 1 },
  );
  let closed = false;

  const slack = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    callSlack(what, fn, policy, log);
  const checklistMessage = (state: RunState): ChatText => layChecklist(state.run, state.notes);

  async function post(
    state: RunState,
    what: string,
    message: ChatText,
    inThread = true,
  ): Promise<string> {
    const threadTs = inThread ? state.thread.root : undefined;
    if (inThread && !threadTs) throw new Error(`no thread to post ${what} in yet`);
    const { ts } = await slack(what, () =>
      chat.postMessage({
        channel: state.run.origin.channel,
        ...(threadTs ? { threadTs } : {}),
        ...message,
      }),
    );
    return ts;
  }

  async function update(
    state: RunState,
    what: string,
    ts: string,
    message: ChatText,
  ): Promise<void> {
    await slack(what, () =>
      chat.updateMessage({ channel: state.run.origin.channel, ts, ...message }),
    );
  }

  /**
   * Make sure the root (and, except for status runs, the checklist) exist, posting them at most
   * once across processes.
   */
  async function ensureThread(state: RunState): Promise<void> {
    const id = state.run.id;
    const complete = (r: ThreadRecord): boolean =>
      Boolean(r.root) && (isStatusRun(state.run) || Boolean(r.checklist));
    if (complete(state.thread)) return;
    Object.assign(state.thread, await store.load(id));
    if (!state.thread.root && state.run.origin.rootTs) {
      // The command handler already posted the root: adopt it and edit it from now on.
      state.thread.root = state.run.origin.rootTs;
      await store.save(id, { root: state.thread.root });
    }
    if (complete(state.thread)) return;
    await store.withCreateClaim(id, complete, async (fresh) => {
      Object.assign(state.thread, fresh);
      if (!state.thread.root) {
        const shows = rootKey(state.run);
        state.thread.root = await post(state, 'root message', rootMessage(state.run), false);
        state.rootShows = shows;
        await store.save(id, { root: state.thread.root });
      }
      if (!isStatusRun(state.run) && !state.thread.checklist) {
        state.edits.checklist.dirty = false;
        state.thread.checklist = await post(state, 'checklist', checklistMessage(state));
        state.edits.checklist.lastAt = Date.now();
        await store.save(id, { checklist: state.thread.checklist });
      }
    });
    Object.assign(state.thread, await store.load(id));
  }

  function enqueue(state: RunState, what: string, task: () => Promise<void>): void {
    state.pending++;
    state.tail = state.tail
      .then(task)
      .catch((err: unknown) =>
        log.warn(
          { runId: state.run.id, what, err: errText(err) },
          'Slack reporting failed; the run goes on',
        ),
      )
      .then(() => {
        state.pending--;
        settle(state);
      });
  }

  const isIdle = (s: RunState): boolean => s.pending === 0 && noEditWaiting(s.edits);

  function settle(state: RunState): void {
    if (!isIdle(state)) return;
    for (const resolve of state.waiters.splice(0)) resolve();
    // A finished run's state is only memory: drop it (Redis keeps the timestamps).
    if (isFinal(state.run) && runs.get(state.run.id) === state) runs.delete(state.run.id);
  }

  /** Ask for an edit, paced to the rate limit (reporter/edit-pacing.ts). */
  function requestEdit(state: RunState, which: Edited): void {
    askForEdit(state.edits[which], minEditIntervalMs, () =>
      enqueue(state, `edit ${which}`, () => runEdit(state, which)),
    );
  }

  async function runEdit(state: RunState, which: Edited): Promise<void> {
    const e = state.edits[which];
    e.queued = false;
    await ensureThread(state);
    if (!e.dirty) return;
    const ts = which === 'root' ? state.thread.root : state.thread.checklist;
    // The root was just posted (or edited) showing this very state: nothing to change.
    if (!ts || (which === 'root' && state.rootShows === rootKey(state.run))) return;
    e.dirty = false;
    e.lastAt = Date.now();
    const shows = rootKey(state.run);
    try {
      await update(
        state,
        which,
        ts,
        which === 'root' ? rootMessage(state.run) : checklistMessage(state),
      );
      if (which === 'root') state.rootShows = shows;
    } finally {
      e.lastAt = Date.now();
    }
  }

  async function showPrompt(state: RunState, postIfMissing: boolean): Promise<void> {
    if (!state.thread.prompt) Object.assign(state.thread, await store.load(state.run.id));
    const prompt = buildApprovalPrompt(state.run, now());
    if (state.thread.prompt) await update(state, 'approval prompt', state.thread.prompt, prompt);
    else if (postIfMissing) {
      state.thread.prompt = await post(state, 'approval prompt', prompt);
      await store.save(state.run.id, { prompt: state.thread.prompt });
      await prompts.record(state.run.id, state.run.origin.channel, state.thread.prompt);
    }
  }

  async function finish(state: RunState): Promise<void> {
    const id = state.run.id;
    Object.assign(state.thread, await store.load(id));
    const report = isStatusRun(state.run) ? statusReportOf(state.run) : undefined;
    if (report) {
      // Details in the thread, one reply per region; a resumed reporter continues where this one
      // stopped.
      const details = buildStatusDetails(report);
      for (let i = Number(state.thread.details ?? 0); i < details.length; i++) {
        await post(state, `status details ${i + 1}/${details.length}`, details[i]!);
        state.thread.details = String(i + 1);
        await store.save(id, { details: state.thread.details });
      }
    } else {
      if (!state.thread.summary) {
        state.thread.summary = await post(state, 'summary', buildRunSummary(state.run));
        await store.save(id, { summary: state.thread.summary });
      }
      // /vpn peers: the counts are the summary, the list goes under it (resumable as above).
      const peers = peerReportOf(state.run);
      const list = peers ? buildPeerList(peers) : [];
      for (let i = Number(state.thread.details ?? 0); i < list.length; i++) {
        await post(state, `peer list ${i + 1}/${list.length}`, list[i]!);
        state.thread.details = String(i + 1);
        await store.save(id, { details: state.thread.details });
      }
    }
  }

  async function handle(
    state: RunState,
    run: Run,
    event: RunEvent,
    folded: boolean,
  ): Promise<void> {
    await ensureThread(state);
    switch (event.type) {
      case 'awaiting-approval':
        await showPrompt(state, true);
        break;
      case 'approved':
      case 'rejected':
      case 'expired':
        await showPrompt(state, false);
        break;
      case 'finished':
        await finish(state);
        break;
      default:
        break;
    }
    const reply = folded ? undefined : eventReply(run, event);
    if (reply) await post(state, `${event.type} reply`, reply);
  }

  function stateOf(run: Run): RunState {
    let state = runs.get(run.id);
    if (!state) {
      state = {
        run,
        notes: {},
        thread: {},
        tail: Promise.resolve(),
        pending: 0,
        edits: newEdits(),
        waiters: [],
      };
      runs.set(run.id, state);
    }
    return state;
  }

  async function flush(runId?: string): Promise<void> {
    await (runId ? createdBurst.release(runId) : createdBurst.releaseAll());
    for (;;) {
      const states = runId
        ? [runs.get(runId)].filter((s): s is RunState => s !== undefined)
        : [...runs.values()];
      const busy = states.filter((s) => !isIdle(s));
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => new Promise<void>((resolve) => s.waiters.push(resolve))));
    }
  }

  /**
   * Take one event into the run's queue: everything slow happens later, in `enqueue`d tasks.
   * Resolves once this event is handled (its thread exists, its replies are posted).
   */
  function accept(snapshot: Run, event: RunEvent): Promise<void> {
    try {
      const state = stateOf(snapshot);
      state.run = snapshot;
      let folded = false;
      if (event.type === 'note' && event.text) {
        const stepId = event.stepId ?? snapshot.steps.find((s) => s.status === 'running')?.id;
        if (stepId) {
          state.notes[stepId] = event.text;
          folded = true;
        }
      }
      enqueue(state, event.type, () => handle(state, snapshot, event, folded));
      const handled = state.tail;
      if (!isStatusRun(snapshot)) requestEdit(state, 'checklist');
      if (rootKey(snapshot) !== state.rootShows) requestEdit(state, 'root');
      return handled;
    } catch (err) {
      log.warn(
        { runId: snapshot.id, event: event.type, err: errText(err) },
        'could not queue a Slack update; the run goes on',
      );
      return Promise.resolve();
    }
  }

  return {
    async onEvent(run, event) {
      if (closed || run.origin.kind !== 'slack') return;
      const snapshot = structuredClone(run);
      if (event.type === 'created') {
        // The command that created the run may not be acknowledged yet: its thread waits for the
        // burst to end.
        createdBurst.defer(run.id, () => accept(snapshot, event));
        return;
      }
      // A later event of a run still held (same process: bot with workers) must not overtake its
      // creation: release() hands the creation to the run's queue before this event joins it.
      void createdBurst.release(run.id);
      void accept(snapshot, event);
    },

    flush,

    async close() {
      // Held threads are started, not dropped: a run created just before shutdown still gets its
      // root.
      const released = createdBurst.releaseAll();
      closed = true;
      await released;
      await flush();
    },
  };
}
