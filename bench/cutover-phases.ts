/**
 * Where a cutover's outage goes, for the outage benches: the longest broken interval (which
 * path, from when to when), every EC2 call (sent, answered) and every step, relative to the
 * start of that outage. Printed after the figure, so a slow phase is visible instead of guessed.
 */
import type { Run } from '../src/runbook/types.js';
import type { World } from '../src/sim/world/start-world.js';

export interface CutoverPhases {
  /** Prints the phases around the longest outage since `since` among the paths `only` keeps. */
  print(since: number, only: (path: string) => boolean, run?: Run): void;
  stop(): void;
}

export function recordCutoverPhases(world: World): CutoverPhases {
  const calls: { sent: number; answered: number; what: string }[] = [];
  const sent = new Map<string, number>();
  const onReceived = (r: { requestId: string }) => sent.set(r.requestId, Date.now());
  const onAnswered = (r: { action: string; requestId: string; status: number }) => {
    const at = sent.get(r.requestId) ?? Date.now();
    calls.push({ sent: at, answered: Date.now(), what: `${r.action} → ${r.status}` });
  };
  world.state.on('request-received', onReceived);
  world.state.on('request', onAnswered);
  return {
    print(since, only, run) {
      const outages = world
        .timeline()
        .outages.filter((o) => only(o.path) && (o.to ?? Infinity) >= since);
      const longest = outages.reduce<(typeof outages)[number] | undefined>(
        (a, o) => (!a || o.durationMs > a.durationMs ? o : a),
        undefined,
      );
      if (!longest) return;
      const t0 = longest.from;
      const rel = (t: number) => `${String(t - t0).padStart(6)} ms`;
      const lines: { at: number; text: string }[] = [
        { at: t0, text: `outage starts: ${longest.path} (${outages.length} paths broken)` },
        {
          at: longest.to ?? Date.now(),
          text: `the longest outage ends (${longest.durationMs} ms)`,
        },
      ];
      for (const c of calls)
        if (c.answered >= t0 - 1000)
          lines.push({ at: c.sent, text: `EC2 ${c.what}, answered at ${rel(c.answered)}` });
      for (const s of run?.steps ?? []) {
        if (s.startedAt === undefined || (s.finishedAt ?? Infinity) < t0 - 1000) continue;
        const took = s.finishedAt === undefined ? '?' : s.finishedAt - s.startedAt;
        lines.push({ at: s.startedAt, text: `step ${s.id} (${took} ms)` });
      }
      lines.sort((a, b) => a.at - b.at);
      for (const l of lines)
        if (l.at <= (longest.to ?? Infinity) + 200) console.log(`    ${rel(l.at)}  ${l.text}`);
    },
    stop() {
      world.state.off('request-received', onReceived);
      world.state.off('request', onAnswered);
    },
  };
}
