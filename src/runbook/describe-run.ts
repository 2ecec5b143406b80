import type { LockHolder } from './target-lock.js';
import type { Run } from './types.js';

/** 14:05 UTC — operators in several time zones share one thread, so always UTC. */
export function formatUtcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  if (minutes >= 1) return `${minutes} min`;
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

export function describeBusyTarget(target: string, holder: LockHolder): string {
  return `${target} is busy: ${holder.runId} (${holder.kind} by <@${holder.requester}>, since ${formatUtcTime(holder.since)}) — try again when it finishes`;
}

/** A run on the router that is planned or waiting for approval: the refusal and its fix. */
export function describeWaitingRun(target: string, waiting: Run): [string, string] {
  const what = waiting.status === 'awaiting-approval' ? 'waits for approval' : 'is being planned';
  return [
    `${target} already has ${waiting.kind} ${waiting.id} (by <@${waiting.requester}>) that ${what}, in its thread in <#${waiting.origin.channel}>`,
    `approve or reject ${waiting.id} there first (\`/router history ${target}\` lists it); a second plan made now would be stale once it runs`,
  ];
}

/** "a, b and c" */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
