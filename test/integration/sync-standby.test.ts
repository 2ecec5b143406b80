/**
 * `/vpn sync-standby` (issue 12 item 4) through the real bot (HTTP mode, in-process workers),
 * the Slack emulator, the VyOS SSH emulator and the EC2 emulator: a standby an operator edited
 * by hand (a stale peer, a changed pre-shared key, a missing route) is shown to the approver
 * with its secrets masked, brought back in step with commit-confirm once Bob approves, and no
 * pre-shared key reaches the log, the Slack channel or the run record on the way. A dry run
 * changes nothing and asks nobody.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../src/runbook/types.js';
import { compareStandbyConfig } from '../../src/vyos/compare-standby-config.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';
import { PRIMARY, STANDBY } from './failover-harness.js';

let stack: OnboardingStack;
beforeEach(async () => {
  stack = await startOnboardingStack();
});
afterEach(async () => {
  await stack?.close();
});

const OLD_PSK = 'HandEdited0ldKey7Qx2';

const emulated = (name: string) => stack.world.router(name).handle.router;
const privateIpOf = (name: string) =>
  stack.world.state.getInstance(stack.world.router(name).instanceId)!.privateIp;
const driftLeft = () =>
  compareStandbyConfig(
    parseConfigCommands(emulated(PRIMARY).activeLines().join('\n')),
    parseConfigCommands(emulated(STANDBY).activeLines().join('\n')),
    { primaryIp: privateIpOf(PRIMARY), standbyIp: privateIpOf(STANDBY) },
  ).change;

/** An operator's hand edits on the standby, committed and saved there. */
function editStandbyByHand(): void {
  const router = emulated(STANDBY);
  for (const tree of [router.active, router.saved]) {
    expect(
      tree.set('vpn ipsec authentication psk office secret'.split(' ').concat(OLD_PSK)).failed,
    ).toBe(false);
    expect(
      tree.set([
        'vpn',
        'ipsec',
        'site-to-site',
        'peer',
        'old-site',
        'remote-address',
        '198.51.100.99',
      ]).failed,
    ).toBe(false);
    const route = tree.toSetLines().find((l) => l.startsWith('set protocols static route '));
    expect(route).toBeDefined();
    expect(tree.delete(route!.split(' ').slice(1, 5)).failed).toBe(false);
  }
}

const FINAL: Run['status'][] = [
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'expired',
  'cancelled',
];

async function ask(text: string): Promise<Run> {
  const { runId, reply } = await stack.vpn('U0ALICE', text);
  expect(runId, reply).toBeDefined();
  return stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
}

function everythingSaid(run: Run): string {
  return [
    stack.logLines.join('\n'),
    JSON.stringify(stack.slack.store.allMessages(CHANNEL)),
    JSON.stringify(run),
  ].join('\n');
}

async function statusProblems(): Promise<string[]> {
  const run = await ask('status');
  expect(run.status, run.outcome).toBe('succeeded');
  const report = run.steps[0]?.result as { problems: { where: string; text: string }[] };
  return report.problems.map((p) => `${p.where}: ${p.text}`);
}

describe('/vpn sync-standby', () => {
  it('finds the reference pair in step, and says so on a dry run', async () => {
    expect((await statusProblems()).filter((p) => p.includes('drifted'))).toEqual([]);
    const run = await ask(`sync-standby ${PRIMARY} --dry-run`);
    expect(run.status, run.outcome).toBe('succeeded');
    expect(run.outcome).toContain(`${STANDBY} is in step with ${PRIMARY}`);
    // Without --dry-run there is nothing to approve: refused, naming why.
    const refused = await ask('sync-standby');
    expect(refused.status).toBe('failed');
    expect(refused.outcome ?? refused.error).toContain('nothing to sync');
  });

  it(
    'shows the difference with secrets masked, applies it ' +
      'with commit-confirm once approved, and leaks no key',
    async () => {
      const primaryPsk = emulated(PRIMARY).active.value(
        'vpn ipsec authentication psk office secret',
      );
      expect(primaryPsk).toBeDefined();
      editStandbyByHand();
      const before = emulated(STANDBY).activeLines().join('\n');
      expect(driftLeft().length).toBeGreaterThan(0);
      // /vpn status flags the drifted standby, with the count and the command that fixes it.
      expect(await statusProblems()).toContain(
        `${STANDBY}: drifted from ${PRIMARY}: ${driftLeft().length} lines differ, so ` +
          `a failover would lose what the standby lacks; /vpn sync-standby ${PRIMARY}`,
      );

      // A dry run, naming the standby: compared on the standby and discarded; no approval asked.
      const dry = await ask(`sync-standby ${STANDBY} --dry-run`);
      expect(dry.status, dry.outcome).toBe('succeeded');
      expect(dry.approval).toBeUndefined();
      expect(emulated(STANDBY).activeLines().join('\n')).toBe(before);

      const sentBefore = stack.sent.length;
      const planned = await ask('sync-standby');
      expect(planned.status).toBe('awaiting-approval');
      const plan = planned.plan!.join('\n');
      expect(plan).toContain('- delete vpn ipsec site-to-site peer old-site');
      expect(plan).toContain("+ set vpn ipsec authentication psk office secret '[redacted]'");
      expect(plan).toContain('+ set protocols static route');
      expect(emulated(STANDBY).activeLines().join('\n')).toBe(before);

      expect((await stack.bot.runtime.engine.decide(planned.id, 'U0BOB', 'approve')).ok).toBe(true);
      const done = await stack.waitForRun(planned.id);
      expect(done.status, done.outcome).toBe('succeeded');
      expect(driftLeft()).toEqual([]);
      expect((await statusProblems()).filter((p) => p.includes('drifted'))).toEqual([]);
      expect(emulated(STANDBY).active.value('vpn ipsec authentication psk office secret')).toBe(
        primaryPsk,
      );
      expect(emulated(STANDBY).savedLines()).toEqual(emulated(STANDBY).activeLines());
      expect(emulated(STANDBY).active.value('system host-name')).toBe(STANDBY);
      expect(stack.sent.slice(sentBefore).some((c) => c.startsWith('commit-confirm'))).toBe(true);

      const said =
        everythingSaid(done) +
        JSON.stringify(await stack.bot.runtime.engine.store.readEvents(done.id));
      expect(said).not.toContain(OLD_PSK);
      expect(said).not.toContain(primaryPsk);
      expect(said).toContain('[redacted]');
    },
  );
});
