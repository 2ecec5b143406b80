/**
 * `/router history [router]`: recent runs that changed something — who asked, who approved,
 * outcome, duration — read from the run records. A read of flatnet's own records, not of the
 * network, so it is answered at once instead of becoming a run.
 */
import type { Run, RunKind } from '../src/runbook/types.js';
import { escapeMrkdwn, formatDuration, type ChatText } from '../src/slack/blocks/index.js';

export interface RunHistory {
  list(options: { target?: string; kind?: RunKind; limit: number }): Promise<Run[]>;
  /** One run by id (`/router monitor` says where a pending scale proposal is). */
  get?(runId: string): Promise<Run | undefined>;
}

const READS: RunKind[] = ['status', 'router-status', 'history', 'peers'];

export async function buildRouterHistory(
  history: RunHistory,
  router: string | undefined,
  limit = 15,
): Promise<ChatText> {
  const runs = (await history.list({ ...(router ? { target: router } : {}), limit: limit * 3 }))
    .filter((r) => !READS.includes(r.kind))
    .slice(0, limit);
  const title = `Recent runs${router ? ` on ${router}` : ''}`;
  if (runs.length === 0)
    return {
      text: `${title}: none yet`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*: none yet` } }],
    };
  const lines = runs.map((run) => {
    const approvers = run.decisions
      .filter((d) => d.decision === 'approved')
      .map((d) => `<@${d.user}>`);
    const rejected = run.decisions.find((d) => d.decision === 'rejected');
    const decided = rejected
      ? `rejected by <@${rejected.user}>`
      : approvers.length > 0
        ? `approved by ${approvers.join(', ')}`
        : run.approval
          ? 'no approval'
          : 'self-service';
    const when = new Date(run.createdAt).toISOString().slice(0, 16).replace('T', ' ');
    const duration =
      run.updatedAt > run.createdAt ? ` · ${formatDuration(run.updatedAt - run.createdAt)}` : '';
    return (
      `\`${run.id}\` ${when} UTC · *${escapeMrkdwn(run.kind)}* ` +
      `${escapeMrkdwn(run.target)}${run.dryRun ? ' (dry run)' : ''} · asked ` +
      `by <@${run.requester}> · ${decided} · *${run.status}*${duration}`
    );
  });
  return {
    text: `${title}: ${runs.length}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${title}*\n${lines.join('\n')}`.slice(0, 2990) },
      },
    ],
  };
}
