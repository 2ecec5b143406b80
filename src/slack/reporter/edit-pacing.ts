/**
 * Coalescing edits to the rate limit: `chat.update` is tier 3 (about 50 a minute per
 * workspace), so each message is edited at most once per interval. A change asked for while
 * an edit is recent waits for one trailing edit, which shows the newest state: ten events in a
 * second make two edits, not ten.
 */
export type Edited = 'root' | 'checklist';

export interface EditState {
  lastAt: number;
  /** Something changed since the last edit. */
  dirty: boolean;
  /** An edit is in the run's queue. */
  queued: boolean;
  /** A trailing edit waits for its slot. */
  timer?: NodeJS.Timeout;
}

export const newEdits = (): Record<Edited, EditState> => ({
  root: { lastAt: 0, dirty: false, queued: false },
  checklist: { lastAt: 0, dirty: false, queued: false },
});

/** No edit waits for its slot. */
export const noEditWaiting = (edits: Record<Edited, EditState>): boolean =>
  !edits.root.timer && !edits.checklist.timer;

/**
 * Ask for an edit: `start` (which queues it) now if the last one is old enough, else once,
 * when it is. Asking again meanwhile only marks it dirty.
 */
export function requestEdit(e: EditState, minIntervalMs: number, start: () => void): void {
  e.dirty = true;
  if (e.timer || e.queued) return;
  const wait = e.lastAt + minIntervalMs - Date.now();
  const go = (): void => {
    e.timer = undefined;
    e.queued = true;
    start();
  };
  if (wait <= 0) go();
  else e.timer = setTimeout(go, wait);
}
