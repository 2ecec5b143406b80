import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import type { World } from '../../src/sim/world/start-world.js';
import type { Runtime } from '../../src/wiring/create-runtime.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';

describe('/router status and /router history', () => {
  let world: World;
  let runtime: Runtime;
  let stack: WorldRuntime | undefined;
  const ask = (command: string, text: string, user = 'U0ALICE') =>
    handleSlashCommand(runtime.slash, {
      command,
      text,
      user,
      origin: { kind: 'cli', channel: 'cli' },
    });

  beforeAll(async () => {
    stack = await startWorldRuntime('router-status');
    ({ world, runtime } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(
    'shows the instance, type, load, Elastic IP ' + 'holder, routes and the run holding the router',
    async () => {
      await runtime.engine.locks.acquire(
        'hub-tokyo-a',
        { runId: 'r-busy01', kind: 'scaleup', requester: 'U0BOB', since: Date.now() },
        60_000,
      );
      try {
        const reply = await ask('/router', 'status hub-tokyo-a');
        if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
        const run = await followRun(runtime.engine, reply.run.id, { timeoutMs: 30_000 });
        expect(run.status).toBe('succeeded');
        const hub = world.router('hub-tokyo-a');
        expect(run.outcome).toContain(
          `instance ${hub.instanceId} · c5.large · running · 10.0.1.10`,
        );
        expect(run.outcome).toMatch(/5-minute load \d+\.\d\d \(scale-up threshold 2\)/);
        expect(run.outcome).toContain('Elastic IP 203.0.113.10 held by hub-tokyo-a');
        expect(run.outcome).toMatch(/1[0-9] routes point at it: 10\.10\.0\.0\/16/);
        expect(run.outcome).toContain('busy: r-busy01 (scaleup by <@U0BOB>)');
      } finally {
        // The lease of a run that never ran: only a final save would free it.
        await runtime.redis.del(runtime.engine.locks.key('hub-tokyo-a'));
      }
    },
  );

  it('says what it could not read instead of failing: a router that is down', async () => {
    world.setRouterDown('spoke-oregon', true, 'power');
    try {
      const reply = await ask('/router', 'status spoke-oregon');
      if (reply.kind !== 'run') throw new Error('expected a run');
      const run = await followRun(runtime.engine, reply.run.id, { timeoutMs: 60_000 });
      expect(run.outcome).toContain('running');
      expect(run.outcome).toMatch(/could not read load \(SSH\): /);
    } finally {
      world.setRouterDown('spoke-oregon', false, 'power');
    }
  });

  it('refuses an unknown router with the list of known ones, and starts nothing', async () => {
    const reply = await ask('/router', 'status hub-mars');
    expect(reply).toMatchObject({ kind: 'reply', failed: true });
    expect(reply.kind === 'reply' && reply.message.text).toContain(
      'there is no router named "hub-mars"',
    );
  });

  it(
    'lists recent changing runs in /router ' + 'history (who asked, outcome), not the reads',
    async () => {
      const removal = await ask('/vpn', 'remove-peer ghost-laptop', 'U0BOB');
      if (removal.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(removal)}`);
      const finished = await followRun(runtime.engine, removal.run.id, { timeoutMs: 30_000 });
      const reply = await ask('/router', 'history');
      const text = reply.kind === 'reply' ? JSON.stringify(reply.message.blocks) : '';
      expect(text).toContain(`\`${finished.id}\``);
      expect(text).toContain('*remove-peer* ghost-laptop');
      expect(text).toContain('asked by <@U0BOB>');
      expect(text).toContain(`*${finished.status}*`);
      expect(text).not.toContain('router-status');
      const unknown = await ask('/router', 'history hub-mars');
      expect(unknown).toMatchObject({ kind: 'reply', failed: true });
    },
  );
});
