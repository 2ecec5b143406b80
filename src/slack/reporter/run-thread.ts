import type { Run, RunEvent } from '../../runbook/types.js';
import type { Edited, EditState } from './edit-pacing.js';
import type { RunQueue } from './run-queue.js';
import type { ThreadRecord } from './thread-store.js';

/**
 * What the reporter keeps in memory of one run's thread between events. Redis keeps only
 * where the messages are (thread-store.ts); the rest is rebuilt from the next event.
 */
export interface RunThread {
  /** The latest snapshot: every edit renders this, so a late edit shows the newest state. */
  run: Run;
  /** Latest progress note per step, folded into the checklist. */
  notes: Record<string, string>;
  /** Where the thread's messages are (loaded from Redis when needed). */
  thread: ThreadRecord;
  /** What the root message shows now (a status, or `report`); undefined: unknown, edit it. */
  rootShows?: string;
  edits: Record<Edited, EditState>;
  queue: RunQueue;
}

/**
 * A progress note becomes its step's line in the checklist rather than a reply of its own:
 * true when it was folded so (a note outside any step, or one of several lines, is said
 * aloud, event-replies.ts).
 */
export function foldProgressNote(t: RunThread, event: RunEvent): boolean {
  if (event.type !== 'note' || !event.text) return false;
  // Configuration text (several lines) is said aloud in code blocks, not squeezed into a line.
  if (event.text.includes('\n')) return false;
  const stepId = event.stepId ?? t.run.steps.find((s) => s.status === 'running')?.id;
  if (!stepId) return false;
  t.notes[stepId] = event.text;
  return true;
}
