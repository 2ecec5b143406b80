import type { RunThread } from './run-thread.js';
import type { ThreadMessages } from './thread-messages.js';
import { requestEdit, type Edited } from './edit-pacing.js';
import { checklistMessage, rootKey, rootMessage } from './thread-layout.js';

/**
 * Keeps the root message and the checklist showing the run as it is now: edited in place, in
 * the run's queue (after the thread exists), and no more often than the rate limit allows
 * (edit-pacing.ts: changes in between are coalesced into one trailing edit).
 */
export interface LiveEdits {
  /** Something the root or the checklist shows has changed: edit it when its slot comes. */
  request(t: RunThread, which: Edited): void;
}

export function createLiveEdits(options: {
  /** At most one edit per message per interval (`chat.update` is tier 3). */
  minEditIntervalMs: number;
  openThread: (t: RunThread) => Promise<void>;
  messages: ThreadMessages;
}): LiveEdits {
  const { minEditIntervalMs, openThread, messages } = options;

  async function edit(t: RunThread, which: Edited): Promise<void> {
    const e = t.edits[which];
    e.queued = false;
    await openThread(t);
    if (!e.dirty) return;
    const ts = which === 'root' ? t.thread.root : t.thread.checklist;
    // The root was just posted (or edited) showing this very state: nothing to change.
    if (!ts || (which === 'root' && t.rootShows === rootKey(t.run))) return;
    e.dirty = false;
    e.lastAt = Date.now();
    const shows = rootKey(t.run);
    try {
      await messages.edit(
        t,
        which,
        ts,
        which === 'root' ? rootMessage(t.run) : checklistMessage(t.run, t.notes),
      );
      if (which === 'root') t.rootShows = shows;
    } finally {
      e.lastAt = Date.now();
    }
  }

  return {
    request(t, which) {
      requestEdit(t.edits[which], minEditIntervalMs, () => {
        void t.queue.add(`edit ${which}`, () => edit(t, which));
      });
    },
  };
}
