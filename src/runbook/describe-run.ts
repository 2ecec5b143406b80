import { formatClock } from '../util/format-time.js';
import type { LockHolder } from './target-lock.js';
import type { Run } from './types.js';

export function describeBusyTarget(target: string, holder: LockHolder): string {
  return (
    `${target} is busy: ${holder.runId} (${holder.kind} by <@${holder.requester}>, ` +
    `since ${formatClock(holder.since)}) — try again when it finishes`
  );
}

/** A run on the router that is planned or waiting for approval: the refusal and its fix. */
export function describeWaitingRun(target: string, waiting: Run): [string, string] {
  const what = waiting.status === 'awaiting-approval' ? 'waits for approval' : 'is being planned';
  return [
    `${target} already has ${waiting.kind} ${waiting.id} (by <@${waiting.requester}>) ` +
      `that ${what}, in its thread in <#${waiting.origin.channel}>`,
    `approve or reject ${waiting.id} there first (\`/router history ` +
      `${target}\` lists it); a second plan made now would be stale once it runs`,
  ];
}

/** "a, b and c" */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
