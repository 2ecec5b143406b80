import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import type { World } from '../../src/sim/world/start-world.js';
import type { Runtime } from '../../src/wiring/create-runtime.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';
import { leaseFreed, pairState, PRIMARY, STANDBY } from './failover-harness.js';

/**
 * The whole path a person takes: the slash command, the runtime's wiring, a second person's
 * approval.
 */
describe('/router failover and failback through the slash command', () => {
  let world: World;
  let runtime: Runtime;
  let stack: WorldRuntime | undefined;
  const ask = (text: string, user = 'U0ALICE') =>
    handleSlashCommand(runtime.slash, {
      command: '/router',
      text,
      user,
      origin: { kind: 'cli', channel: 'C0NETOPS' },
    });

  beforeAll(async () => {
    stack = await startWorldRuntime('failover-slash');
    ({ world, runtime } = stack);
    // Production polls the tunnels every 250 ms; the simulator's come up in 100 ms.
    runtime.deps.scale.tunnelWait = { timeoutMs: 5_000, pollMs: 20 };
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('help lists failover and failback as available', async () => {
    const reply = await ask('help');
    expect(reply.kind).toBe('reply');
    const text = reply.kind === 'reply' ? JSON.stringify(reply.message.blocks) : '';
    // Each entry runs from its usage to the next one; an unavailable one ends in "coming soon".
    const entry = (verb: string) =>
      text.slice(
        text.indexOf(`/router ${verb} `),
        text.indexOf('`/router', text.indexOf(`/router ${verb} `) + 1),
      );
    expect(entry('failover')).toContain('move traffic to the standby router');
    expect(entry('failover')).not.toContain('coming soon');
    expect(entry('failback')).toContain('move traffic back to the primary');
    expect(entry('failback')).not.toContain('coming soon');
  });

  it(
    'refuses at once, naming the fix: a standby ' + 'as target, a router without a standby',
    async () => {
      const standby = await ask(`failover ${STANDBY}`);
      expect(standby.kind === 'reply' && standby.failed).toBe(true);
      expect(JSON.stringify(standby)).toContain(`use /router failover ${PRIMARY}`);
      const spoke = await ask('failback spoke-oregon');
      expect(spoke.kind === 'reply' && spoke.failed).toBe(true);
      expect(JSON.stringify(spoke)).toContain('spoke-oregon has no standby router');
    },
  );

  it('fails over once a second person approves (once), then fails back', async () => {
    const before = pairState(world);
    const reply = await ask(`failover ${PRIMARY}`);
    if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
    expect(reply.run.target).toBe(PRIMARY);
    // The example policy: 15 minutes to approve a failover, by network-approvers.
    expect(reply.run.approval?.expiresAt).toBe(reply.run.createdAt + 15 * 60_000);
    expect(reply.run.approval?.approvers.sort()).toEqual(['U0BOB', 'U0CAROL']);

    const waiting = await followRun(runtime.engine, reply.run.id, { timeoutMs: 20_000 });
    expect(waiting.status).toBe('awaiting-approval');
    expect(waiting.plan?.[0]).toMatch(
      new RegExp(`^Fail over ${PRIMARY} .* to its standby ${STANDBY} `),
    );
    expect(pairState(world).eipHolder).toBe(before.primary.networkInterfaceId);

    const self = await runtime.engine.decide(reply.run.id, 'U0ALICE', 'approve');
    expect(self.ok).toBe(false);
    const approved = await runtime.engine.decide(reply.run.id, 'U0BOB', 'approve');
    expect(approved.ok).toBe(true);
    const again = await runtime.engine.decide(reply.run.id, 'U0CAROL', 'approve');
    expect(again.ok).toBe(false);

    const over = await followRun(runtime.engine, reply.run.id, { timeoutMs: 30_000 });
    expect(over.error).toBeUndefined();
    expect(over.status).toBe('succeeded');
    expect(over.decisions.filter((d) => d.decision === 'approved').map((d) => d.user)).toEqual([
      'U0BOB',
    ]);
    expect(pairState(world).eipHolder).toBe(before.standby.networkInterfaceId);
    expect(over.outcome).toContain(`To go back: /router failback ${PRIMARY}.`);

    await leaseFreed(runtime.engine);
    const backReply = await ask(`failback ${PRIMARY}`, 'U0BOB');
    if (backReply.kind !== 'run')
      throw new Error(`expected a run, got ${JSON.stringify(backReply)}`);
    expect((await followRun(runtime.engine, backReply.run.id, { timeoutMs: 20_000 })).status).toBe(
      'awaiting-approval',
    );
    expect((await runtime.engine.decide(backReply.run.id, 'U0CAROL', 'approve')).ok).toBe(true);
    const back = await followRun(runtime.engine, backReply.run.id, { timeoutMs: 30_000 });
    expect(back.status).toBe('succeeded');
    expect(pairState(world).eipHolder).toBe(before.primary.networkInterfaceId);
    expect(pairState(world).routesTo(before.standby.networkInterfaceId)).toHaveLength(0);
  });

  it('a --dry-run asks nobody to approve: it changes nothing', async () => {
    await leaseFreed(runtime.engine);
    const before = pairState(world);
    const reply = await ask(`failover ${PRIMARY} --dry-run`);
    if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
    expect(reply.run.approval).toBeUndefined();
    expect(JSON.stringify(reply.message)).not.toContain('approval');
    const done = await followRun(runtime.engine, reply.run.id, { timeoutMs: 30_000 });
    expect(done.status).toBe('succeeded');
    expect(done.decisions).toEqual([]);
    expect(done.outcome).toMatch(/^Dry run: nothing was changed/);
    expect(pairState(world).eipHolder).toBe(before.eipHolder);
  });
});
