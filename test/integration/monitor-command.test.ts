import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { handleSlashCommand, type SlashDeps } from '../../commands/handle-slash-command.js';
import { parseCommand } from '../../src/grammar/parse-command.js';
import { MonitorStore } from '../../src/monitor/monitor-store.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import type { Run } from '../../src/runbook/types.js';
import { buildRun } from '../support/build-run.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const approver = inventory.groups[inventory.policies.failover!.approvers[0]!]![0]!;

describe('/router monitor', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('mon-cmd');
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  let runs: Run[] = [];
  function deps(): SlashDeps {
    return {
      inventory,
      engine: { submit: () => Promise.reject(new Error('no run expected')) },
      planners: {},
      monitor: new MonitorStore(redis, prefix),
      history: {
        list: () => Promise.resolve(runs),
        get: (id) => Promise.resolve(runs.find((r) => r.id === id)),
      },
    };
  }
  const ask = (text: string, user = approver) =>
    handleSlashCommand(deps(), {
      command: '/router',
      text,
      user,
      origin: { kind: 'cli', channel: 'C0NETOPS' },
    });

  it('parses pause durations and refuses the rest with the usage', () => {
    expect(parseCommand('/router', 'monitor pause hub-tokyo-a for 2h')).toEqual({
      ok: true,
      command: { kind: 'monitor', action: 'pause', router: 'hub-tokyo-a', minutes: 120 },
    });
    expect(parseCommand('/router', 'monitor pause hub-tokyo-a')).toMatchObject({
      command: { minutes: 60 },
    });
    for (const bad of [
      'monitor pause',
      'monitor pause x;rm for 2h',
      'monitor pause a for 8d',
      'monitor stop a',
    ])
      expect(parseCommand('/router', bad).ok, bad).toBe(false);
  });

  it('shows that no round ran yet, pauses a router with expiry, shows it, resumes it', async () => {
    const first = await ask('monitor');
    expect(first.kind === 'reply' && first.message.text).toContain('No round has run yet');
    const router = Object.keys(inventory.routers)[0]!;
    const paused = await ask(`monitor pause ${router} for 2h`);
    expect(paused.kind === 'reply' && !paused.failed && paused.message.text).toContain(
      `ignores ${router} until`,
    );
    const ttl = await redis.pttl(`${prefix}:monitor:pause:${router}`);
    expect(ttl).toBeGreaterThan(119 * 60_000);
    expect(ttl).toBeLessThanOrEqual(120 * 60_000);
    const shown = await ask('monitor');
    expect(shown.kind === 'reply' && shown.message.text).toContain(
      `${router}: paused by <@${approver}>`,
    );
    const resumed = await ask(`monitor resume ${router}`);
    expect(resumed.kind === 'reply' && resumed.message.text).toContain('watches');
    expect(await redis.exists(`${prefix}:monitor:pause:${router}`)).toBe(0);
  });

  it(
    'refuses a pause from someone who may not ' + 'approve a failover, and an unknown router',
    async () => {
      const router = Object.keys(inventory.routers)[0]!;
      const stranger = await ask(`monitor pause ${router}`, 'U0NOBODY');
      expect(stranger.kind === 'reply' && stranger.failed && stranger.message.text).toContain(
        'may not pause the monitor',
      );
      const unknown = await ask('monitor pause no-such-router');
      expect(unknown.kind === 'reply' && unknown.failed && unknown.message.text).toContain(
        'there is no router named no-such-router',
      );
      expect(await redis.keys(`${prefix}:monitor:pause:*`)).toEqual([]);
    },
  );

  it('shows a pending scale proposal: router, up or down, run and since when', async () => {
    const [router, other] = Object.keys(inventory.routers) as [string, string];
    const at = Date.now() - 12 * 60_000;
    runs = [
      buildRun({ id: 'r-prop1', kind: 'scaleup', target: router, status: 'awaiting-approval' }),
    ];
    await new MonitorStore(redis, prefix).saveWatches({
      [router]: { failures: 0, successes: 4, scale: { direction: 'up', at, runId: 'r-prop1' } },
      [other]: { failures: 0, successes: 4, scale: { direction: 'down', at } },
    });
    const shown = await ask('monitor', 'U0NOBODY');
    const text = shown.kind === 'reply' ? shown.message.text : '';
    const stamp = new Date(at).toISOString().slice(0, 16).replace('T', ' ');
    expect(text).toContain(
      `• ${router}: scale-up proposed 12 min ago (${stamp} UTC), run \`r-prop1\` waits for ` +
        'approval in its thread',
    );
    expect(text).toContain(`• ${other}: scale-down proposed 12 min ago`);
    expect(text).toContain('not submitted yet');
    runs = [];
  });
});
