/**
 * `/vpn status` shows a network at its shaping limit, judged from what the routers print: the
 * policy's shapers typed into the VyOS emulators over SSH, traffic offered in the simulated
 * world, and two status runs through the real slash command, worker and SSH pool, each
 * reading `tc -s class show` and `/proc/uptime` on the routers. Between the two, flatnet is
 * restarted (a deploy): the second run compares with the first's readings, kept in Redis.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import { renderRun } from '../../src/cli/render-run.js';
import { parseInventory } from '../../src/config/load-inventory.js';
import { statusReportOf } from '../../src/report/status-report-of.js';
import type { StatusReport } from '../../src/report/status-report.js';
import { buildStatusMessages } from '../../src/slack/blocks/index.js';
import { applyWorldPolicy } from '../helpers/apply-world-policy.js';
import { addTrafficPolicy } from '../helpers/traffic-inventory-file.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';

const RULES = [
  { from: 'shared', to: 'production' },
  { from: 'shared', to: 'staging' },
];

describe('/vpn status shows a network at its shaping limit', () => {
  let stack: WorldRuntime | undefined;

  const status = async (): Promise<{ report: StatusReport; cli: string; slack: string }> => {
    const { runtime } = stack!;
    const reply = await handleSlashCommand(runtime.slash, {
      command: '/vpn',
      text: 'status',
      user: 'U0ALICE',
      origin: { kind: 'cli', channel: 'cli' },
    });
    if (reply.kind !== 'run') throw new Error(`no run: ${JSON.stringify(reply)}`);
    const run = await followRun(runtime.engine, reply.run.id, { timeoutMs: 120_000 });
    expect(run.status).toBe('succeeded');
    const report = statusReportOf(run)!;
    const { summary, details } = buildStatusMessages(report);
    return {
      report,
      cli: renderRun(run),
      slack: JSON.stringify([summary.blocks, ...details.map((d) => d.blocks)]),
    };
  };
  /**
   * The routers' clocks must move on between two readings (1 s at least, by /proc/uptime); three
   * seconds, because each reading's counters and clock are two commands apart, and on a loaded
   * machine 150 ms between them is 12% of a 1.2 s gap but 5% of 3 s.
   */
  const someSecondsLater = () => new Promise((resolve) => setTimeout(resolve, 3_000));

  beforeAll(async () => {
    stack = await startWorldRuntime('status-shaping');
    const { world, runtime } = stack;
    const dir = mkdtempSync(join(tmpdir(), 'flatnet-shaping-'));
    const path = addTrafficPolicy(
      world.writeInventory(join(dir, 'flatnet.yml')),
      { rules: RULES },
      { 'us-east-1/production': '50mbit', 'us-east-1/staging': '100mbit' },
    );
    await applyWorldPolicy(runtime, parseInventory(readFileSync(path, 'utf8'), path, dir));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('pushed past its limit: at limit in the summary and the details; under it: not', async () => {
    const { world } = stack!;
    const over = world.offerTraffic('ap-northeast-1/hub', 'us-east-1/production', 80e6);
    expect(over.shapedAt).toEqual(['spoke-virginia eth0 at most 50000000 bit/s']);
    world.offerTraffic('ap-northeast-1/hub', 'us-east-1/staging', 20e6);

    // The first run has nothing to compare with: it shows no rate, and no limit reached.
    const first = await status();
    expect(first.report.routers.flatMap((r) => r.shaping ?? [])).toEqual([]);
    expect(first.cli).not.toContain('at limit');

    // A deploy between the two: a new worker compares with the readings the last one kept.
    await stack!.restartRuntime();
    await someSecondsLater();
    const second = await status();
    const virginia = second.report.routers.find((r) => r.router === 'spoke-virginia')!;
    const production = virginia.shaping!.find((s) => s.what === 'us-east-1/production')!;
    const staging = virginia.shaping!.find((s) => s.what === 'us-east-1/staging')!;
    expect(production).toMatchObject({ iface: 'eth0', limitBits: 50e6, atLimit: true });
    expect(production.drops).toBeGreaterThan(0);
    // The counters and the clock are two commands apart, as on a real router: a loaded machine
    // moves the measured rate by a few percent of the seconds between the two readings.
    expect(production.bitsPerSecond / 50e6).toBeGreaterThan(0.85);
    expect(production.bitsPerSecond / 50e6).toBeLessThan(1.15);
    expect(staging).toMatchObject({ limitBits: 100e6, atLimit: false, drops: 0 });
    expect(staging.bitsPerSecond / 20e6).toBeGreaterThan(0.85);
    expect(staging.bitsPerSecond / 20e6).toBeLessThan(1.15);

    const warning = second.report.problems.find((p) => p.text.includes('at limit'))!;
    expect(warning).toMatchObject({ severity: 'warn', where: 'spoke-virginia' });
    expect(warning.text).toMatch(
      /^us-east-1\/production \(eth0\) at limit: \d+% of 50 Mbit\/s, [\d.]+k? drops in the last \d+ s$/,
    );
    expect(second.report.problems.filter((p) => p.text.includes('at limit'))).toHaveLength(1);
    // What is kept is counters and the routers' clock, and nothing is kept for a router
    // without a shaper.
    const { redis, prefix } = stack!.runtime.deps;
    const kept = await redis.hgetall(`${prefix}:shaper-readings`);
    expect(Object.keys(kept)).toEqual(['spoke-virginia']);
    const samples = JSON.parse(kept['spoke-virginia']!) as { iface: string }[];
    expect(samples.map((s) => s.iface).sort()).toEqual(['eth0', 'eth1']);
    for (const text of [second.cli, second.slack]) {
      expect(text).toContain('us-east-1/production (eth0) at limit: ');
      expect(text).not.toMatch(/us-east-1\/staging \(\w+\) at limit/);
      expect(text).toMatch(/shaped: us-east-1\/staging \(eth\d\) \d+% of 100 Mbit\/s/);
    }
  }, 240_000);
});
