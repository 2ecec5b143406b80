/**
 * Issue 13 item 5, end to end: a static site with a backup tunnel (inventory `sites:`) added
 * through the real bot as two `/vpn add-peer` runs, its router running both scripts flatnet
 * sent (two lines). The primary tunnel is killed through the world's control API: the routers'
 * own `protocols failover` routes move to the backup (the oracle, reading only the world, sees
 * the site reachable both ways through vti101), the monitor posts one alert; the tunnel comes
 * back: the routes move back, the monitor posts the switch-back and resolves the incident.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerMonitor } from '../../commands/router-monitor.js';
import { runMonitorRound } from '../../jobs/monitor.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachAnswer } from '../../src/sim/world/reach/oracle.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

const SUBNET = '172.16.7.0/24';
const PRIMARY_IP = '198.51.100.70';
const BACKUP_IP = '198.51.100.71';

let stack: OnboardingStack;
let control: ControlServer;
beforeEach(async () => {
  stack = await startOnboardingStack({}, (inventory) => {
    inventory.sites = { intranet: { backup: 'intranet-2', target: '172.16.7.1' } };
  });
  control = await startControlServer(stack.world);
});
afterEach(async () => {
  await control?.close();
  await stack?.close();
});

async function post(path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${control.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status, `POST ${path}: ${await res.clone().text()}`).toBe(200);
}

async function reach(from: string, to: string): Promise<ReachAnswer> {
  const q = new URLSearchParams({ from, to });
  return (await (await fetch(`${control.url}/reach?${q.toString()}`)).json()) as ReachAnswer;
}

/** The site reaches the hub VPC and back, and the hub's route to it leaves through `vti`. */
async function reachedThrough(vti: string): Promise<ReachAnswer[]> {
  return waitFor(async () => {
    const both = [
      await reach('ap-northeast-1/hub', 'site/intranet'),
      await reach('site/intranet', 'ap-northeast-1/hub'),
    ];
    const via = new RegExp(`hub-tokyo-a: failover ${SUBNET.replace(/\./g, '\\.')} .*\\(${vti},`);
    return both.every((a) => a.reachable && a.path.some((h) => via.test(h))) ? both : undefined;
  }, `the site reached through ${vti}`);
}

const dmFile = (name: string) =>
  waitFor(
    () => stack.slack.store.filesIn('D0ALICE').find((f) => f.name === name),
    `the DM file ${name}`,
  ).then((f) => f.bytes.toString('utf8'));

describe('the tunnel monitor for a static site with a backup tunnel', () => {
  it('the routers switch to the backup and back by themselves; one alert each way', async () => {
    await stack.succeed(
      '/vpn',
      `add-peer intranet ipsec --remote ${PRIMARY_IP} --subnets ${SUBNET}`,
    );
    await stack.succeed(
      '/vpn',
      `add-peer intranet-2 ipsec --remote ${BACKUP_IP} --subnets ${SUBNET}`,
    );
    const hub = stack.hubLines().join('\n');
    expect(hub).toContain(
      `set protocols failover route ${SUBNET} next-hop 169.254.100.2 check target '172.16.7.1'`,
    );
    expect(hub).toContain(
      `set protocols failover route ${SUBNET} next-hop 169.254.101.2 metric '2'`,
    );
    // The site's operator pastes both scripts on the router with two lines.
    const script = [
      await dmFile('intranet-hub-tokyo-a-vyos.txt'),
      await dmFile('intranet-2-hub-tokyo-a-backup-vyos.txt'),
    ].join('\n');
    await post('/sites', {
      name: 'intranet',
      publicIp: PRIMARY_IP,
      backupIp: BACKUP_IP,
      lan: SUBNET,
      script,
    });
    const normal = await reachedThrough('vti100');
    // The return leg leaves the site through its own primary tunnel too.
    expect(normal[1]!.path.join('\n')).toMatch(
      /intranet: failover 10\.0\.0\.0\/8 via 169\.254\.100\.1/,
    );

    const deps = stack.bot.runtime.monitor.deps;
    const roots = () =>
      stack.slack.store.messages(CHANNEL).filter((m) => /monitor incident/.test(m.text));
    const first = await runMonitorRound(deps, 'manual-1');
    expect(first.ran && first.tunnelsSwitched).toEqual([]);
    expect(roots()).toHaveLength(0);

    // The primary tunnel dies: the hub and the site move their routes to the backup.
    await post('/routers/hub-tokyo-a/tunnels/intranet/down');
    const failedOver = await reachedThrough('vti101');
    expect(failedOver[1]!.path.join('\n')).toMatch(
      /intranet: failover 10\.0\.0\.0\/8 via 169\.254\.101\.1 \(vti101, metric 2\)/,
    );
    const switched = await runMonitorRound(deps, 'manual-2');
    expect(switched.ran && switched.tunnelsSwitched).toEqual(['intranet']);
    expect(roots()).toHaveLength(1);
    expect(roots()[0]!.text).toMatch(/:rotating_light: open — monitor incident intranet-/);
    expect(roots()[0]!.text).toContain(
      'intranet switched to its backup tunnel intranet-2 (172.16.7.0/24 via 169.254.101.2, ' +
        'vti101) on hub-tokyo-a: 172.16.7.1 does not answer across intranet',
    );
    const shown = await answerMonitor(
      deps.store,
      stack.bot.runtime.slash.inventory,
      { kind: 'monitor', action: 'show' },
      'U0ALICE',
    );
    expect(shown.text).toMatch(
      /• site intranet: on its backup tunnel intranet-2 since \d\d:\d\d UTC, incident intranet-/,
    );
    // Still on the backup: nothing new.
    const quiet = await runMonitorRound(deps, 'manual-3');
    expect(quiet.ran && quiet.tunnelsSwitched).toEqual([]);
    expect(stack.slack.store.messages(CHANNEL).filter((m) => /monitor/.test(m.text))).toHaveLength(
      1,
    );

    // The primary comes back: the routes move back once its SA is up again.
    await post('/routers/hub-tokyo-a/tunnels/intranet/up');
    await reachedThrough('vti100');
    const back = await runMonitorRound(deps, 'manual-4');
    expect(back.ran && back.tunnelsSwitched).toEqual(['intranet']);
    expect(roots()).toHaveLength(1);
    const root = roots()[0]!;
    expect(root.text).toMatch(/^:white_check_mark: resolved — monitor incident intranet-/);
    expect(root.text).toMatch(/resolved: intranet is back on its primary tunnel intranet/);
    const replies = stack.slack.store.replies(CHANNEL, root.ts).map((m) => m.text);
    expect(replies).toEqual([
      expect.stringMatching(/^resolved: intranet is back on its primary tunnel intranet \(/),
    ]);
    const after = await runMonitorRound(deps, 'manual-5');
    expect(after.ran && after.tunnelsSwitched).toEqual([]);
    const watch = (await deps.store.tunnelWatches()).intranet!;
    expect(watch.state).toBe('primary');
    expect(watch.incident?.timeline.map((e) => e.what)).toEqual(['detected', 'resolved']);
  });
});
