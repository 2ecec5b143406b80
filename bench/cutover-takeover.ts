/**
 * `cutover_takeover_ms` (issue 10 §6): a failover's worker (`flatnet worker`, its own process)
 * is killed with SIGKILL right after its Elastic IP move; a second worker, already running and
 * idle, takes the run over once the dead worker's BullMQ lock lapses (TAKEOVER_MS,
 * src/queue/run-lock-timing.ts) and finishes the cutover. The figure runs from the kill to EC2's
 * answer to the ReplaceRoute that leaves no hub route on the primary: the dead worker's lock,
 * the stalled check, then the survivor's resumed steps (the Elastic IP checked, IPsec reset on
 * the standby and its tunnels up, the routes moved). EC2 answers in 300 ms and tunnels come up
 * in 200 ms, as in `failover_detect_to_forward_ms`. Where the kill lands in the lock's renewal
 * and the stalled check's period varies, so the worst of several kills is the value.
 *
 * The first kill in this process is reported apart (`cutover_takeover_cold_ms`): its survivor
 * has never made an EC2 call, and an idle worker loads the EC2 SDK on first use, not at start
 * (test/integration/idle-imports.test.ts), so that kill also pays for loading it (under tsx
 * here; a compiled worker loads it faster). The later kills are a survivor that has called EC2
 * before, as any worker that ran anything has.
 */
import { startTakeoverScene } from '../test/helpers/cutover-takeover-scene.js';
import { runLockTiming, takeoverBoundMs } from '../src/queue/run-lock-timing.js';
import { waitUntil } from '../test/helpers/wait-for.js';
import type { BenchResult } from './result.js';

const KILLS = 5;
const EC2_LATENCY_MS = 300;
const TUNNEL_UP_MS = 200;

export async function benchCutoverTakeover(): Promise<BenchResult[]> {
  const takeovers: number[] = [];
  const forwarding: number[] = [];
  for (let i = 0; i <= KILLS; i++) {
    const scene = await startTakeoverScene({
      ec2LatencyMs: EC2_LATENCY_MS,
      tunnelUpMs: TUNNEL_UP_MS,
    });
    try {
      const { world } = scene;
      const outcome = await scene.failOverKillingTheWorker();
      if (outcome.run.status !== 'succeeded' || !outcome.repointedAt)
        throw new Error(`the failover ended ${outcome.run.status}: ${outcome.run.outcome ?? ''}`);
      takeovers.push(outcome.repointedAt - outcome.killedAt);
      // The same kill, judged by the world's oracle: the longest broken interval of a path that
      // worked at the start, counted from the kill.
      await waitUntil('every routed path to forward', () =>
        world.timeline().paths.every((p) => !world.routedAtStart.has(p.path) || p.forwarded),
      );
      const outage = world.outageMs(outcome.killedAt, (p) => world.routedAtStart.has(p));
      forwarding.push(outage.longestMs);
    } finally {
      await scene.close();
    }
  }
  const bound = takeoverBoundMs(runLockTiming());
  const [cold = NaN, ...warm] = takeovers;
  console.log(
    `  kill → routes on the standby: ${cold} ms cold, then ${warm.join(', ')} ms ` +
      `(lock lapse and stalled check bound ${bound} ms; EC2 ${EC2_LATENCY_MS} ms per call, ` +
      `tunnels ${TUNNEL_UP_MS} ms); kill → every path forwarding: ${forwarding.join(', ')} ms`,
  );
  return [
    { name: 'cutover_takeover_ms', value: Math.max(...warm), unit: 'ms', target: 5000 },
    { name: 'cutover_takeover_cold_ms', value: cold, unit: 'ms', target: 5000 },
  ];
}
