/**
 * Follow a run through its event stream until it finishes or waits for a person, printing
 * one progress line per step event (to stderr: stdout carries what the bot would post).
 */
import type { Engine } from '../runbook/engine.js';
import { FINAL_STATUSES, type Run, type RunEvent } from '../runbook/types.js';

export async function followRun(
  engine: Engine,
  runId: string,
  options: { timeoutMs: number; progress?: (line: string) => void },
): Promise<Run> {
  const deadline = Date.now() + options.timeoutMs;
  let lastId = '0';
  for (;;) {
    const run = await engine.get(runId);
    if (!run) throw new Error(`run ${runId} disappeared from Redis`);
    if (FINAL_STATUSES.includes(run.status) || run.status === 'awaiting-approval') return run;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(
        `run ${runId} is still ${run.status} after ${Math.round(options.timeoutMs / 1000)} ` +
          `s; follow it in Slack or with \`flatnet run --follow ${runId}\``,
      );
    const { events, lastId: next } = await engine.store.tailEvents(
      runId,
      lastId,
      Math.min(1000, left),
    );
    lastId = next;
    for (const { event } of events) {
      const line = progressLine(run, event);
      if (line) options.progress?.(line);
    }
  }
}

function progressLine(run: Run, event: RunEvent): string | undefined {
  const title = run.steps.find((s) => s.id === event.stepId)?.title ?? event.stepId;
  switch (event.type) {
    case 'step-started':
      return `… ${title}`;
    case 'step-finished':
      return `✔ ${title}${event.text ? ` — ${event.text}` : ''}`;
    case 'step-failed':
      return `✖ ${title}${event.text ? ` — ${event.text}` : ''}`;
    case 'step-undone':
      return `↩ undone: ${title}`;
    case 'note':
      return event.text ? `  ${event.text}` : undefined;
    default:
      return undefined;
  }
}
