/**
 * Runs runbook steps in order without the engine: no Redis, no queue, no approval. Only for
 * the benchmark, which compares two orders of the same steps in the simulator and wants
 * nothing but the steps' own time in the measurement. Production runs go through the engine.
 */
import type { Logger } from '../src/log.js';
import type { Json, Run, Step } from '../src/runbook/types.js';

export interface DirectRunOptions {
  runId: string;
  target: string;
  kind: Run['kind'];
  params?: Record<string, Json>;
  log: Logger;
}

export async function runStepsDirectly<D>(
  steps: Step<D>[],
  deps: D,
  options: DirectRunOptions,
): Promise<{ run: Run; notes: string[] }> {
  const now = Date.now();
  const run: Run = {
    id: options.runId,
    kind: options.kind,
    target: options.target,
    params: options.params ?? {},
    requester: 'bench',
    origin: { kind: 'cli', channel: 'bench' },
    status: 'running',
    dryRun: false,
    createdAt: now,
    updatedAt: now,
    steps: steps.map((s) => ({ id: s.id, title: s.title, status: 'pending' })),
    cursor: 0,
    decisions: [],
  };
  const results: Record<string, Json | undefined> = {};
  const notes: string[] = [];
  for (const [i, step] of steps.entries()) {
    const state = run.steps[i]!;
    state.status = 'running';
    state.startedAt = Date.now();
    const outcome = await step.run({
      run,
      deps,
      log: options.log,
      results,
      dryRun: false,
      firstAttempt: true,
      note: (text) => {
        notes.push(text);
        return Promise.resolve();
      },
      assertStillOwner: () => Promise.resolve(),
    });
    state.status = 'done';
    state.finishedAt = Date.now();
    if (outcome?.result !== undefined) results[step.id] = state.result = outcome.result;
    if (outcome?.detail !== undefined) state.detail = outcome.detail;
    run.cursor = i + 1;
  }
  run.status = 'succeeded';
  return { run, notes };
}
