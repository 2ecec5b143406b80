/**
 * The operator's path: `flatnet sim --write-inventory F`, then `flatnet run --config F "/vpn
 * status"`, as separate processes, exactly as the README says.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, dumpPrefix, redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';

const CLI = ['--import', 'tsx', 'src/cli.ts'];
const ROUTERS = [
  'hub-tokyo-a',
  'hub-tokyo-b',
  'spoke-virginia',
  'spoke-oregon',
  'spoke-ireland',
  'spoke-singapore',
  'spoke-saopaulo',
];

describe('flatnet run against flatnet sim', () => {
  let sim: ChildProcess;
  let dir: string;
  let inventory: string;
  let control: string;
  const prefix = uniquePrefix('cli');
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    FLATNET_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  const flatnet = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync(process.execPath, [...CLI, ...args], {
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-cli-'));
    inventory = join(dir, 'flatnet.yml');
    sim = spawn(
      process.execPath,
      [
        ...CLI,
        'sim',
        '--write-inventory',
        inventory,
        '--dir',
        dir,
        '--boot-ms',
        '300',
        '--tunnel-up-ms',
        '200',
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      sim.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const ready = out.split('\n').find((line) => line.includes('"ready":true'));
        if (ready) {
          control = (JSON.parse(ready) as { control: string }).control;
          resolve();
        }
      });
      sim.once('exit', (code) => reject(new Error(`flatnet sim exited with ${code}: ${out}`)));
    });
  });
  afterAll(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
    const redis = testRedis();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every router and tunnel of the reference topology and exits 0', () => {
    const result = flatnet(['run', '--config', inventory, '--as', 'U0ALICE', '/vpn status']);
    expect(result.stderr).toMatch(/Started r-[a-z0-9]{6}/);
    expect(result.status).toBe(0);
    for (const router of ROUTERS) expect(result.stdout).toContain(router);
    expect(result.stdout).toContain('All clear');
    expect(result.stdout).toContain('spoke-virginia-vti');
    expect(result.stdout).toContain('shared-services tunnel 2');
  });

  it('exits 2 with the problem and the fix for bad input, starting nothing', () => {
    const result = flatnet(['run', '--config', inventory, '/vpn status $(reboot)']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not a region or router name');
    expect(result.stderr).not.toContain('Started');
  });

  it(
    'exits 5 for a missing inventory and 13 for ' + 'an unreachable Redis, saying how to fix each',
    () => {
      const missing = flatnet(['run', '--config', join(dir, 'nope.yml'), '/vpn status']);
      expect(missing.status).toBe(5);
      expect(missing.stderr).toContain('does not exist');
      expect(missing.stderr).toContain('flatnet sim --write-inventory');
      const noRedis = flatnet(['run', '--config', inventory, '/vpn status'], {
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      expect(noRedis.status).toBe(13);
      expect(noRedis.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is not answering/);
      expect(noRedis.stderr).toContain('REDIS_URL');
    },
  );

  it(
    'flatnet check validates the inventory, then SSH ' +
      'and EC2 router by router, with a verdict for each',
    () => {
      const good = flatnet(['check', '--config', inventory]);
      expect(good.status).toBe(0);
      for (const router of ROUTERS)
        expect(good.stdout).toContain(
          `✔ ${router}: SSH ok (host key pinned), EC2 instance running`,
        );
      const broken = flatnet(['check', '--config', 'test/fixtures/inventory/broken.yml']);
      expect(broken.status).toBe(2);
      expect(broken.stdout).toContain('broken.yml: 5 problems');
      expect(broken.stdout).toContain('routers.hub-tokyo-a.ssh.hostKey: is missing');
      expect(broken.stdout).toContain('unknown key "instanceID"');
    },
  );

  it(
    "refuses a device's private key as --pubkey before any run (exit 2), " +
      'and the key reaches no output, log line or Redis key',
    async () => {
      const sim = { FLATNET_SIM_CONTROL_URL: control };
      const lab = generateWireguardKeyPair();
      const added = flatnet(
        [
          'run',
          '--config',
          inventory,
          '--as',
          'U0ALICE',
          `/vpn add-peer lab --pubkey ${lab.publicKey}`,
        ],
        sim,
      );
      expect(added.status, added.stderr).toBe(0);
      const addedRun = /Started (r-[a-z0-9]{6})/.exec(added.stderr)?.[1];
      rmSync(join('.flatnet', 'out', addedRun ?? 'none'), { recursive: true, force: true });

      const pasted = flatnet(
        [
          'run',
          '--config',
          inventory,
          '--as',
          'U0ALICE',
          `/vpn add-peer lab2 --pubkey ${lab.privateKey}`,
        ],
        { ...sim, LOG_LEVEL: 'debug' },
      );
      expect(pasted.status).toBe(2);
      expect(pasted.stderr).toMatch(
        /--pubkey is a private key: the private half of peer lab's key/,
      );
      expect(pasted.stderr).not.toContain('Started');
      expect(pasted.stdout + pasted.stderr).not.toContain(lab.privateKey);
      const redis = testRedis();
      try {
        expect(await dumpPrefix(redis, prefix)).not.toContain(lab.privateKey);
      } finally {
        redis.disconnect();
      }
    },
  );

  it(
    'a scale-up from the terminal waits for approval (exit 3), ' +
      'refuses the requester, and runs once a second person approves',
    () => {
      const sim = { FLATNET_SIM_CONTROL_URL: control };
      const asked = flatnet(
        ['run', '--config', inventory, '--as', 'U0ALICE', '/router scaleup hub-tokyo-a'],
        sim,
      );
      expect(asked.status).toBe(3);
      const runId = /run: (r-[a-z0-9]{6})/.exec(asked.stdout)?.[1];
      expect(runId, asked.stdout + asked.stderr).toBeDefined();
      expect(asked.stdout).toContain('c5.large → c5.xlarge');
      expect(asked.stdout).toContain('[Approve] [Reject]');

      const self = flatnet(['approve', runId!, '--config', inventory, '--as', 'U0ALICE'], sim);
      expect(self.status).toBe(2);
      expect(self.stderr).toContain('you are not an approver of run');

      const approved = flatnet(['approve', runId!, '--config', inventory, '--as', 'U0BOB'], sim);
      expect(approved.status, approved.stderr).toBe(0);
      expect(approved.stdout).toContain('Succeeded');
      // Every step of the scale-up checklist done, however many it has.
      expect(approved.stdout).toMatch(/scaleup hub-tokyo-a · (\d+)\/\1 steps done/);
      expect(approved.stdout).toContain('Approved by @U0BOB');

      const again = flatnet(['approve', runId!, '--config', inventory, '--as', 'U0CAROL'], sim);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already|succeeded/);
    },
    // Four CLI processes, each compiling flatnet with tsx before it starts: 15–20 s each on two
    // cores at a load of 16 (measured). A guard against a stuck run, not a speed verdict.
    240_000,
  );
});
