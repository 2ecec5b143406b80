import { peerReportOf } from '../../report/peer-report.js';
import { statusReportOf } from '../../report/status-report-of.js';
import { buildPeerList } from '../blocks/build-peer-list.js';
import { buildRunSummary, buildStatusDetails, type ChatText } from '../blocks/index.js';
import type { RunThread } from './run-thread.js';
import type { ThreadMessages } from './thread-messages.js';
import { isStatusRun } from './thread-layout.js';
import type { ThreadStore } from './thread-store.js';

/**
 * What a finished run leaves at the end of its thread, each reply posted once even if
 * `finished` is reported twice: a status run its details, one reply per region (its root
 * became the summary); any other run its summary, and for /vpn peers the list under it.
 */
export async function postFinalReplies(
  t: RunThread,
  store: ThreadStore,
  messages: ThreadMessages,
): Promise<void> {
  const id = t.run.id;
  Object.assign(t.thread, await store.load(id));
  const report = isStatusRun(t.run) ? statusReportOf(t.run) : undefined;
  if (report) {
    await postInParts(t, store, messages, 'status details', buildStatusDetails(report));
    return;
  }
  if (!t.thread.summary) {
    t.thread.summary = await messages.post(t, 'summary', buildRunSummary(t.run));
    await store.save(id, { summary: t.thread.summary });
  }
  // /vpn peers: the counts are the summary, the list goes under it.
  const peers = peerReportOf(t.run);
  await postInParts(t, store, messages, 'peer list', peers ? buildPeerList(peers) : []);
}

/** Replies posted in order; a resumed reporter continues after the last one posted. */
async function postInParts(
  t: RunThread,
  store: ThreadStore,
  messages: ThreadMessages,
  what: string,
  parts: ChatText[],
): Promise<void> {
  for (let i = Number(t.thread.details ?? 0); i < parts.length; i++) {
    await messages.post(t, `${what} ${i + 1}/${parts.length}`, parts[i]!);
    t.thread.details = String(i + 1);
    await store.save(t.run.id, { details: t.thread.details });
  }
}
