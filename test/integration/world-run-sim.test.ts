import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { parseSimArguments } from '../../src/sim/world/run-sim.js';

describe('flatnet sim', () => {
  it('parses its options and refuses unknown or bad ones with the usage', () => {
    expect(
      parseSimArguments(['--routers', '3', '--tunnel-up-ms=50', '--dir', '/tmp/x']),
    ).toMatchObject({ routers: 3, tunnelUpMs: 50, dir: '/tmp/x' });
    expect(() => parseSimArguments(['--routers', 'many'])).toThrow(/whole number/);
    expect(() => parseSimArguments(['--frobnicate', '1'])).toThrow(/unknown option/);
  });

  it('prints one ready line, serves the control API, and exits on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatnet-sim-'));
    const inventory = join(dir, 'sim.yml');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/sim/world/run-sim.ts').then((m) => m.runSim(process.argv.slice(1)))",
        '--',
        '--write-inventory',
        inventory,
        '--dir',
        dir,
        '--routers',
        '1',
        '--tunnel-up-ms',
        '50',
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`flatnet sim exited with ${code}`)));
      });
      const ready = JSON.parse(first) as {
        ready: boolean;
        ec2: string;
        control: string;
        inventory: string;
        routers: number;
      };
      expect(ready).toMatchObject({ ready: true, inventory, routers: 8 });
      const inv = parseInventory(readFileSync(inventory, 'utf8'), inventory, dir);
      expect(inv.aws.endpoint).toBe(ready.ec2);
      const state = (await (await fetch(`${ready.control}/state`)).json()) as {
        routers: { name: string }[];
      };
      expect(state.routers.map((r) => r.name)).toContain('spoke-extra-01');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
