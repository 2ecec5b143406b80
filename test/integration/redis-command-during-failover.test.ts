/**
 * Issue 17: a slash command asked while Redis is between masters. The Sentinel master is
 * killed; before the sentinels have promoted the replica, while the bot's producer connection
 * is down, Alice asks `/router scaleup`. The command waits for the new master and is answered
 * "Started", once, with its run on the new master: not refused with ioredis's words, and
 * never queued behind her back (docs/redis-ha.md, src/util/await-redis-ready.ts).
 *
 * The wait is bounded (2 s by default, inside Slack's 3 s); here it is long enough for any
 * failover on a loaded machine, so that the verdict does not depend on how fast the sentinels
 * are, and the command goes straight to the bot's handler (Slack would give up at 3 s). A
 * command that outwaits the bound is refused in words (redis-restart.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { waitFor } from '../../src/util/wait-for.js';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { startSentinelGroup, type SentinelGroup } from '../support/redis-servers.js';
import { CHANNEL, HUB, runReaching } from '../support/scaleup-through-slack.js';

describe('a command asked while Redis fails over', () => {
  let group: SentinelGroup;
  let stack: LocalStack;

  beforeAll(async () => {
    group = await startSentinelGroup('command-failover');
    stack = await startLocalStack({
      label: 'command-failover',
      redis: group.target,
      failoverWaitMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await group?.close();
  });

  it('waits for the new master and is started there, once', async () => {
    const old = await group.master();
    await old.kill();
    // The bot saw its master go: its producer connection is between masters.
    await waitFor(() => stack.bot.runtime.redis.status !== 'ready', {
      what: "the bot's producer connection to lose the master",
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    // Straight to the bot's command handler: Slack itself would stop waiting after 3 s.
    const reply = await handleSlashCommand(stack.bot.runtime.slash, {
      command: '/router',
      text: `scaleup ${HUB}`,
      user: 'U0ALICE',
      origin: { kind: 'slack', channel: CHANNEL },
    });
    if (reply.kind !== 'run') throw new Error(`not started: ${JSON.stringify(reply)}`);
    const runId = reply.run.id;
    // Recorded on the promoted master, which the sentinels now name.
    const promoted = await group.newMasterAfter(old);
    expect(promoted).not.toBe(old);
    const run = await runReaching(stack, runId, (r) => r.status === 'awaiting-approval', 'wait');
    expect(run.requester).toBe('U0ALICE');
    const runs = await stack.bot.runtime.engine.store.list({ target: HUB, limit: 20 });
    expect(runs.filter((r) => r.requester === 'U0ALICE')).toHaveLength(1);
    await old.restart();
  }, 120_000);
});
