/**
 * The inventory file changes under a running runtime: a broken edit is refused whole (the
 * inventory in force stays and commands keep working), a valid one is taken without a restart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';

describe('inventory reload under a running runtime', () => {
  let stack: WorldRuntime;
  beforeAll(async () => {
    stack = await startWorldRuntime('reload');
  });
  afterAll(async () => {
    await stack?.close();
  });
  const ask = (text: string) =>
    handleSlashCommand(stack.runtime.slash, {
      command: '/router',
      text,
      user: 'U0ALICE',
      origin: { kind: 'cli', channel: 'C0NETOPS' },
    });

  it('refuses a broken file and keeps working; takes a fixed one at once', async () => {
    const file = stack.runtime.loaded.file;
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('instanceId:', 'instanceID:'));
    const refused = await stack.runtime.reloadInventory();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.join('\n')).toMatch(/unknown key "instanceID"/);
    const still = await ask('status spoke-oregon');
    if (still.kind !== 'run') throw new Error(JSON.stringify(still));
    expect(
      (await followRun(stack.runtime.engine, still.run.id, { timeoutMs: 20_000 })).status,
    ).toBe('succeeded');

    // The operator raises the load threshold: the next run works with it, no restart.
    writeFileSync(file, good.replace(/loadThreshold: [0-9.]+/, 'loadThreshold: 9'));
    expect(await stack.runtime.reloadInventory()).toMatchObject({ ok: true, changed: true });
    expect(stack.runtime.slash.inventory.monitor.loadThreshold).toBe(9);
    const after = await ask('status spoke-oregon');
    if (after.kind !== 'run') throw new Error(JSON.stringify(after));
    const run = await followRun(stack.runtime.engine, after.run.id, { timeoutMs: 20_000 });
    expect(run.steps[0]?.result).toMatchObject({ loadThreshold: 9 });
  });
});
