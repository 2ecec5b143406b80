import type { RedisClient } from '../util/redis-client.js';
import type { Logger } from '../log.js';
import type { RunObserver } from '../runbook/observer.js';
import type { Run, RunEvent } from '../runbook/types.js';
import { sleep as pause } from '../util/wait-for.js';
import type { ChatPort } from './chat-port.js';
import { showApprovalPrompt } from './reporter/approval-prompt.js';
import { errText, SLACK_PATIENCE, type RetryPolicy } from './reporter/call-slack.js';
import { createBurstDeferral } from './reporter/defer-during-burst.js';
import { eventReply } from './reporter/event-replies.js';
import { postFinalReplies } from './reporter/final-replies.js';
import { createLiveEdits } from './reporter/live-edits.js';
import { openThread } from './reporter/open-thread.js';
import { createRunThreads } from './reporter/run-threads.js';
import { foldProgressNote, type RunThread } from './reporter/run-thread.js';
import { createThreadMessages } from './reporter/thread-messages.js';
import { isStatusRun, rootKey } from './reporter/thread-layout.js';
import { createPromptIndex, createThreadStore } from './reporter/thread-store.js';

/** Events after which the approval prompt shows the decision instead of its buttons. */
const DECIDED: RunEvent['type'][] = ['approved', 'rejected', 'expired'];

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
  redis: RedisClient;
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

/**
 * Reports runs into Slack threads: a root message per run, a live checklist edited in place
 * (coalesced to the rate limits), the approval prompt, replies for failures and undos, and a
 * final summary. `onEvent` only queues work: a Slack outage or a 429 delays the thread,
 * never the run. Message timestamps live in Redis so any process can carry on the thread.
 *
 * The parts live in reporter/, this file only puts them together. When a message is sent:
 * call-slack (429s, retries), defer-during-burst (new threads after a burst of commands),
 * edit-pacing and live-edits (edits coalesced to the rate limit), run-queue and run-threads
 * (each run's work in order). What the thread shows: thread-layout, open-thread,
 * approval-prompt, event-replies, final-replies.
 */
export function createThreadReporter(options: ThreadReporterOptions): ThreadReporter {
  const log = options.logger.child({ component: 'thread-reporter' });
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const policy: RetryPolicy = { ...SLACK_PATIENCE, ...options.retry, sleep };
  const store = createThreadStore(options.redis, options.prefix, sleep);
  const prompts = createPromptIndex(options.redis, options.prefix);
  const messages = createThreadMessages(options.chat, policy, log);
  const open = (t: RunThread): Promise<void> => openThread(t, store, messages);
  const edits = createLiveEdits({
    minEditIntervalMs: options.minEditIntervalMs ?? 1200,
    openThread: open,
    messages,
  });
  const threads = createRunThreads(log);
  const createdBurst = createBurstDeferral(
    options.createdBurst ?? { quietMs: 200, maxDelayMs: 2000, concurrency: 1 },
  );
  let closed = false;

  /** What the thread does for one event, in the run's queue. */
  async function answer(t: RunThread, run: Run, event: RunEvent, folded: boolean): Promise<void> {
    await open(t);
    const prompt = { store, prompts, messages, now };
    if (event.type === 'awaiting-approval') await showApprovalPrompt(t, prompt, true);
    else if (DECIDED.includes(event.type)) await showApprovalPrompt(t, prompt, false);
    else if (event.type === 'finished') await postFinalReplies(t, store, messages);
    const reply = folded ? undefined : eventReply(run, event);
    if (reply) await messages.post(t, `${event.type} reply`, reply);
  }

  async function flush(runId?: string): Promise<void> {
    await (runId ? createdBurst.release(runId) : createdBurst.releaseAll());
    await threads.idle(runId);
  }

  /**
   * Take one event into the run's queue: everything slow happens later, in the queue.
   * Resolves once this event is handled (its thread exists, its replies are posted).
   */
  function accept(snapshot: Run, event: RunEvent): Promise<void> {
    try {
      const t = threads.of(snapshot);
      t.run = snapshot;
      const folded = foldProgressNote(t, event);
      const handled = t.queue.add(event.type, () => answer(t, snapshot, event, folded));
      if (!isStatusRun(snapshot)) edits.request(t, 'checklist');
      if (rootKey(snapshot) !== t.rootShows) edits.request(t, 'root');
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
