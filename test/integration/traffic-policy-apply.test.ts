/**
 * `/vpn policy show | diff | apply` through the real bot (Slack emulator, in-process workers),
 * the VyOS SSH emulators and the EC2 emulator: the rules as a table, each router's change,
 * an apply with approval and commit-confirm on every router that the simulator's oracle then
 * enforces; a router that refuses its commit leaves every router as it was; a policy that
 * would cut flatnet's own SSH to a router is refused before anyone is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/config/inventory-schema.js';
import type { Run } from '../../src/runbook/types.js';
import { policyPlanner } from '../../jobs/policy.js';
import { planPolicy } from '../../src/policy/plan-policy.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';
import { withWorldPolicy } from '../helpers/world-traffic-policy.js';

const RULES = [
  { from: 'staging', to: 'production', action: 'drop' },
  { from: 'shared', to: 'production', protocol: 'tcp', ports: [22] },
  { from: 'shared', to: 'staging', protocol: 'tcp', ports: [22] },
  { from: 'shared', to: 'secure', protocol: 'tcp', ports: [22] },
  { from: 'production', to: 'production' },
];

/** Roles on the world's networks and the rules above, as an operator writes them. */
const withPolicy = (inv: Inventory, rules: unknown[] = RULES): void => withWorldPolicy(inv, rules);

const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];
const owned = (lines: string[]) => lines.filter((l) => l.includes('FLATNET-'));

describe('/vpn policy', () => {
  let stack: OnboardingStack;
  const emulated = (name: string) => stack.world.router(name).handle.router;
  const routers = () => Object.keys(stack.bot.runtime.loaded.inventory.routers);
  const ask = async (text: string): Promise<Run> => {
    const { runId, reply } = await stack.vpn('U0ALICE', text);
    expect(runId, reply).toBeDefined();
    return stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
  };
  const approve = async (run: Run): Promise<Run> => {
    expect(run.status, run.outcome ?? run.error).toBe('awaiting-approval');
    expect((await stack.bot.runtime.engine.decide(run.id, 'U0BOB', 'approve')).ok).toBe(true);
    return stack.waitForRun(run.id);
  };

  beforeAll(async () => {
    stack = await startOnboardingStack({}, (inv) => withPolicy(inv));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('shows the rules as a table, and each router’s change without touching it', async () => {
    const show = await ask('policy show');
    expect(show.status, show.error).toBe('succeeded');
    expect(show.outcome).toMatch(/#\s+from\s+to\s+protocol\s+ports\s+action/);
    expect(show.outcome).toMatch(/2\s+shared\s+production\s+tcp\s+22\s+accept/);
    expect(show.outcome).toContain('anything else');
    const diff = await ask('policy diff');
    expect(diff.status, diff.error).toBe('succeeded');
    expect(diff.outcome).toContain(`${routers().length} of ${routers().length} routers differ`);
    expect(diff.outcome).toContain(
      "set firewall group network-group FLATNET-ROLE-production network '10.10.0.0/16'",
    );
    for (const name of routers()) expect(owned(emulated(name).activeLines())).toEqual([]);
  });

  it('refuses a policy that would cut its own SSH to a router, before asking', async () => {
    // The rules without the one that lets the hub VPC (where flatnet runs) reach production.
    const inventory = structuredClone(stack.bot.runtime.loaded.inventory);
    withPolicy(
      inventory,
      RULES.filter((r) => !(r.from === 'shared' && r.to === 'production')),
    );
    const { runtime } = stack.bot;
    const state = await readReachState({
      inventory,
      routers: runtime.routers,
      cloud: runtime.cloud,
    });
    // The plan step (before approval): the simulator's SSH is on loopback, so the routers'
    // private addresses are what the rules see.
    const refusals = planPolicy(inventory, state).refusals.join('\n');
    const cut = /would cut flatnet's SSH to spoke-virginia \(10\.0\.\d+\.\d+ → 10\.10\.1\.10:22/;
    expect(refusals).toMatch(cut);
    expect(refusals).toContain('add { from: shared, to: production, protocol: tcp, ports: [22] }');
    expect(refusals).not.toContain('hub-tokyo-b');
    // The command itself, where the inventory's SSH addresses are the routers' own (production).
    for (const r of state.routers)
      inventory.routers[r.name]!.ssh = {
        ...inventory.routers[r.name]!.ssh,
        host: r.instance!.privateIp,
        port: 22,
      };
    const ask = () =>
      policyPlanner.plan(
        { kind: 'policy', action: 'apply', dryRun: false },
        { inventory, requester: 'U0ALICE' },
      );
    expect(ask).toThrow(cut);
  });

  it('leaves every router as it was when one refuses its commit', async () => {
    // The operator's own zone on spoke-oregon's eth0: VyOS refuses an interface in two zones.
    const oregon = emulated('spoke-oregon');
    for (const tree of [oregon.active, oregon.saved])
      expect(tree.set('firewall zone OPS interface eth0'.split(' ')).failed).toBe(false);
    const before = new Map(routers().map((n) => [n, emulated(n).activeLines().join('\n')]));
    const done = await approve(await ask('policy apply'));
    expect(['failed', 'rolled-back']).toContain(done.status);
    const said = `${done.error ?? ''} ${done.outcome ?? ''}`;
    expect(said).toContain('spoke-oregon failed');
    expect(said).toContain('Interfaces cannot be assigned to multiple zones');
    expect(said).toMatch(/put back as they were/);
    for (const name of routers())
      expect(emulated(name).activeLines().join('\n'), name).toBe(before.get(name));
    for (const tree of [oregon.active, oregon.saved])
      expect(tree.delete('firewall zone OPS'.split(' ')).failed).toBe(false);
  });

  it('applies with approval and commit-confirm everywhere; the oracle enforces it', async () => {
    const dry = await ask('policy apply --dry-run');
    const dryDone = dry.status === 'awaiting-approval' ? await approve(dry) : dry;
    expect(dryDone.status, dryDone.error).toBe('succeeded');
    for (const name of routers()) expect(owned(emulated(name).activeLines())).toEqual([]);

    const planned = await ask('policy apply');
    expect(planned.plan?.join('\n')).toContain('Apply the traffic policy (5 rules) on');
    const done = await approve(planned);
    expect(done.status, done.error).toBe('succeeded');
    for (const name of routers()) {
      const lines = owned(emulated(name).activeLines());
      expect(lines, name).toContain("set firewall ipv4 name FLATNET-POLICY default-action 'drop'");
      // Saved after confirm: a reboot keeps it.
      expect(owned(emulated(name).saved.toSetLines()).length, name).toBe(lines.length);
    }
    const blocked = stack.world.reach('us-east-1/staging', 'us-east-1/production');
    expect(blocked).toMatchObject({ reachable: false, brokenAt: 'spoke-virginia' });
    const ssh = stack.world.reach('ap-northeast-1/hub', 'us-east-1/production', {
      protocol: 'tcp',
      dstPort: 22,
      srcPort: 40000,
      state: 'new',
    });
    expect(ssh).toMatchObject({ reachable: true });
    const again = await ask('policy diff');
    expect(again.outcome).toBe('Every router runs the traffic policy of the inventory.');
  });
});
