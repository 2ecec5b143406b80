/**
 * Where a detect-to-forward failover's time goes, for the failover benches: the monitor's
 * rounds (when each started and ended, and whether the primary answered), the failover run's
 * steps, and every EC2 call (sent and answered), all relative to the failure. Printed after
 * the figure, so a slow phase is visible instead of guessed.
 */
import type { MonitorStore } from '../src/monitor/monitor-store.js';
import type { Run } from '../src/runbook/types.js';
import type { World } from '../src/sim/world/start-world.js';

export interface PhaseLog {
  /** Look at the monitor's last round (call it often: rounds are seen when they end). */
  poll(): Promise<void>;
  /** Something that happened at `at` (the failure, the first forwarding path…). */
  mark(at: number, what: string): void;
  print(failedAt: number, run?: Run): void;
  stop(): void;
}

export function recordPhases(world: World, store: MonitorStore, router: string): PhaseLog {
  const lines: { at: number; what: string }[] = [];
  const sent = new Map<string, number>();
  const onReceived = (r: { action: string; requestId: string }) =>
    sent.set(r.requestId, Date.now());
  const onAnswered = (r: { action: string; requestId: string; status: number; code?: string }) => {
    const from = sent.get(r.requestId) ?? Date.now();
    lines.push({
      at: from,
      what: `EC2 ${r.action} → ${r.status}${r.code ? ` ${r.code}` : ''} (${Date.now() - from} ms)`,
    });
  };
  world.state.on('request-received', onReceived);
  world.state.on('request', onAnswered);
  const rounds = new Set<string>();
  return {
    async poll() {
      const round = await store.lastRound();
      if (!round || rounds.has(round.tick)) return;
      rounds.add(round.tick);
      const probe = round.routers.find((r) => r.router === router);
      const seen = probe?.healthy ? 'healthy' : `failed #${probe?.failures} (${probe?.error})`;
      const took = round.finishedAt - round.startedAt;
      const what = `round ${round.tick.split(':').at(-1)} (${took} ms): ${router} ${seen}`;
      lines.push({ at: round.startedAt, what });
    },
    mark(at, what) {
      lines.push({ at, what });
    },
    print(failedAt, run) {
      for (const s of run?.steps ?? []) {
        if (s.startedAt === undefined) continue;
        const ms = s.finishedAt !== undefined ? `${s.finishedAt - s.startedAt} ms` : 'unfinished';
        lines.push({ at: s.startedAt, what: `step ${s.id}: ${s.status} (${ms})` });
      }
      if (run) lines.push({ at: run.createdAt, what: `run ${run.id} created` });
      lines.sort((a, b) => a.at - b.at);
      for (const l of lines.filter((l) => l.at >= failedAt - 2500))
        console.log(`    ${String(l.at - failedAt).padStart(6)} ms  ${l.what}`);
    },
    stop() {
      world.state.off('request-received', onReceived);
      world.state.off('request', onAnswered);
    },
  };
}
