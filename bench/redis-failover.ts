/**
 * `redis_failover_resume_ms` (issue 17 §5): from the Redis master's death (SIGKILL) in the
 * middle of a scale-up's cutover to the run moving again (its next event recorded on the
 * promoted master). A master, a replica and three sentinels (`down-after-milliseconds` 2000,
 * as the test runs them), the real bot with its worker, the local Slack, the simulated world
 * with EC2 at 200 ms a call. Goal 10 s: Sentinel's own detection and election take 3 to 5 s
 * of it; the rest is ioredis finding the new master and the worker's retry.
 */
import { startLocalStack } from '../test/helpers/local-stack.js';
import { startSentinelGroup } from '../test/support/redis-servers.js';
import { approveAsBob, askScaleup } from '../test/support/scaleup-through-slack.js';
import { waitFor } from '../src/util/wait-for.js';
import type { BenchResult } from './result.js';

export async function benchRedisFailover(): Promise<BenchResult[]> {
  const group = await startSentinelGroup('bench-redis-failover');
  const stack = await startLocalStack({
    label: 'bench-sentinel',
    redis: group.target,
    world: { ec2LatencyMs: 200 },
  });
  try {
    const engine = stack.bot.runtime.engine;
    const { runId, prompt } = await askScaleup(stack);
    await approveAsBob(stack, prompt);
    const run = { id: runId };
    const eventsNow = async () =>
      (await engine.store.readEvents(run.id).catch(() => undefined))?.length;
    await waitFor(
      async () => {
        const now = await engine.get(run.id);
        return now?.steps.some((s) => s.id === 'move-elastic-ip' && s.status === 'running');
      },
      { what: 'the cutover to start', timeoutMs: 120_000, intervalMs: 20 },
    );
    const before = (await eventsNow()) ?? 0;
    const old = await group.master();
    const killedAt = Date.now();
    await old.kill();
    await waitFor(async () => ((await eventsNow()) ?? 0) > before, {
      what: 'the run to move again after the failover',
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    const resumeMs = Date.now() - killedAt;
    console.log(`  master killed mid-cutover; the run moved again after ${resumeMs} ms`);
    return [{ name: 'redis_failover_resume_ms', value: resumeMs, unit: 'ms', target: 10_000 }];
  } finally {
    await stack.close();
    await group.close();
  }
}
