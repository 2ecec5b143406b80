/**
 * Issue 17 §1 and §5: flatnet on Redis Sentinel follows a master failover without a restart,
 * and a scale-up survives two: the master is killed (SIGKILL) while the run waits for Bob's
 * approval, and again while the cutover moves the Elastic IP. The real bot (in-process worker),
 * the local Slack, the simulated world; a master, a replica and three sentinels started here.
 * The run finishes once, one instance is launched, and every step is told in order.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { startSentinelGroup, type SentinelGroup } from '../support/redis-servers.js';
import { scaleupThroughTwoFailovers } from '../support/scaleup-through-two-failovers.js';

describe('a scale-up on Redis Sentinel, with the master killed twice', () => {
  let group: SentinelGroup;
  let stack: LocalStack;

  beforeAll(async () => {
    group = await startSentinelGroup('sentinel-failover');
    // EC2 answers in 200 ms, as a slow region does: the cutover lasts long enough to be hit.
    stack = await startLocalStack({
      label: 'sentinel',
      redis: group.target,
      world: { ec2LatencyMs: 200 },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await group?.close();
  });

  /** The master dies; the sentinels promote the replica; the dead one comes back as replica. */
  async function killTheMaster(): Promise<void> {
    const old = await group.master();
    await old.kill();
    await group.newMasterAfter(old);
    await old.restart();
    await group.replicasInSync();
  }

  it('finishes once, launches one instance, and tells every step', async () => {
    await scaleupThroughTwoFailovers(stack, killTheMaster);
  }, 300_000);
});
