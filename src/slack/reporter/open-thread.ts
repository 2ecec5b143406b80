import type { RunThread } from './run-thread.js';
import type { ThreadMessages } from './thread-messages.js';
import { checklistMessage, isStatusRun, rootKey, rootMessage } from './thread-layout.js';
import type { ThreadRecord, ThreadStore } from './thread-store.js';

/**
 * Make sure the run's root message (and, except for status runs, its checklist) exist, posted
 * at most once across processes: a resumed run, or the bot handling an approval, carries on
 * the thread another process started.
 */
export async function openThread(
  t: RunThread,
  store: ThreadStore,
  messages: ThreadMessages,
): Promise<void> {
  const id = t.run.id;
  const complete = (r: ThreadRecord): boolean =>
    Boolean(r.root) && (isStatusRun(t.run) || Boolean(r.checklist));
  if (complete(t.thread)) return;
  Object.assign(t.thread, await store.load(id));
  if (!t.thread.root && t.run.origin.rootTs) {
    // The command handler already posted the root: adopt it and edit it from now on.
    t.thread.root = t.run.origin.rootTs;
    await store.save(id, { root: t.thread.root });
  }
  if (complete(t.thread)) return;
  await store.withCreateClaim(id, complete, async (fresh) => {
    Object.assign(t.thread, fresh);
    if (!t.thread.root) {
      const shows = rootKey(t.run);
      t.thread.root = await messages.post(t, 'root message', rootMessage(t.run), false);
      t.rootShows = shows;
      await store.save(id, { root: t.thread.root });
    }
    if (!isStatusRun(t.run) && !t.thread.checklist) {
      // The checklist is posted showing this state: no edit is owed for it yet.
      t.edits.checklist.dirty = false;
      t.thread.checklist = await messages.post(t, 'checklist', checklistMessage(t.run, t.notes));
      t.edits.checklist.lastAt = Date.now();
      await store.save(id, { checklist: t.thread.checklist });
    }
  });
  Object.assign(t.thread, await store.load(id));
}
