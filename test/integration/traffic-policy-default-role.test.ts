/**
 * Issue 16 item 1: a new network takes the safest rule the inventory names. With
 * `traffic.defaultRole: staging`, a site the inventory does not list, added by `/vpn add-peer`
 * after the apply, is judged as `staging` on every router: the real bot (Slack emulator,
 * BullMQ, SSH to the VyOS emulators, the EC2 emulator) puts its subnets in the staging
 * network-group of the hubs and of every spoke, and the world's oracle, which reads only the
 * routers' running configurations, lets through exactly what the rules let staging do (a spoke's
 * production reaches it across the spoke and the hub; staging never reaches production) with
 * nothing left to apply. remove-peer takes it out of every router again; a spoke that refuses
 * the commit leaves every router as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { readTrafficPolicy, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import { WORLD_RULES, withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';
import { HUB, policyWorld, STANDBY } from './traffic-policy-stack.js';
import { ADD_PEER_STEPS as S } from '../../src/onboarding/add-peer-steps.js';
import { joinRoleGroupLines, leaveRoleGroupLines } from '../../src/policy/default-role-group.js';
import {
  carryDefaultRole,
  undoCarryDefaultRole,
  type DefaultRoleDeps,
} from '../../src/policy/steps/carry-default-role.js';
import { typedContext } from '../../src/runbook/define-step.js';
import { toJson } from '../../src/runbook/step-ref.js';
import type { Json, StepContext } from '../../src/runbook/types.js';
import { buildRun } from '../support/build-run.js';
import { silentLog } from './runbook-harness.js';

/** Production may ping staging: a spoke's production VPC reaches a `staging` site. */
const RULES = [
  ...WORLD_RULES,
  { from: 'production', to: 'staging', protocol: 'icmp' },
  { from: 'staging', to: 'secure' },
];
const withPolicy = (inv: Inventory) => {
  withWorldPolicy(inv, RULES);
  inv.traffic!.defaultRole = 'staging';
};

const GROUP = 'set firewall group network-group FLATNET-ROLE-staging network';
const SAKAI = '10.200.4.0/24';

describe('a site the inventory does not list takes traffic.defaultRole on every router', () => {
  let stack: OnboardingStack;
  let control: ControlServer;
  let policy: TrafficPolicy;
  let world: ReturnType<typeof policyWorld>;
  let routers: string[];
  /** The routers that run the policy: every router of the world once applied. */
  const holding = (subnet: string) =>
    routers.filter((r) => world.lines(r).includes(`${GROUP} '${subnet}'`));

  beforeAll(async () => {
    stack = await startOnboardingStack({}, (inv) => withPolicy(inv));
    control = await startControlServer(stack.world);
    policy = readTrafficPolicy(stack.bot.runtime.loaded.inventory)!;
    expect(policy.defaultRole).toBe('staging');
    world = policyWorld(stack, control, () => policy);
    routers = Object.keys(stack.bot.runtime.loaded.inventory.routers);
    await world.run('policy apply');
    await world.expectNothingToApply();
  }, 180_000);
  afterAll(async () => {
    await control?.close();
    await stack?.close();
  });

  it('add-peer: the site in the staging group on every router, its pairs as staging', async () => {
    expect(routers.length).toBeGreaterThanOrEqual(7);
    const added = await world.run(`add-peer sakai ipsec --remote 198.51.100.80 --subnets ${SAKAI}`);
    expect(added.steps.find((s) => s.id === 'join-default-role')?.status).toBe('done');
    // The approver read it: the site goes into the staging group on every router.
    expect(added.plan?.join('\n')).toContain(
      'Traffic policy: site/sakai (10.200.4.0/24) into FLATNET-ROLE-staging',
    );
    // Every router, the spokes too, not only the hub and its standby that add-peer commits to.
    expect(holding(SAKAI)).toEqual(routers);
    await world.startSite('sakai', '198.51.100.80', SAKAI);
    const m = await world.matrix();
    const seen = await world.expectPolicyHolds(m, 'site/sakai', 4);
    // Judged as staging: the hub VPC (shared) and every production VPC reach it (a production
    // ping crosses its spoke and the hub, both filtering by the staging group); it reaches the
    // secure VPCs; staging → production is dropped by rule 1 on the hub.
    const pair = (from: string, to: string) => m.paths.find((p) => p.from === from && p.to === to);
    expect(pair('ap-northeast-1/hub', 'site/sakai')?.reachable).toBe(true);
    expect(pair('us-east-1/production', 'site/sakai')?.reachable).toBe(true);
    expect(pair('site/sakai', 'ap-northeast-1/shared-services')?.reachable).toBe(true);
    const cut = await world.reach('site/sakai', 'us-east-1/production');
    expect(cut).toMatchObject({ reachable: false, brokenAt: HUB });
    expect(cut.reason).toContain('rule 10 of FLATNET-POLICY (policy rule 1: staging to production');
    // A staging VPC and the site: same role, no rule from staging to staging.
    expect(pair('us-east-1/staging', 'site/sakai')?.reachable).toBe(false);
    expect(seen.allowed + seen.denied).toBeGreaterThanOrEqual(20);
    await world.expectNothingToApply();
  });

  it('remove-peer takes the site out of the group on every router', async () => {
    const removed = await world.run('remove-peer sakai');
    expect(removed.steps.find((s) => s.id === 'leave-default-role')?.status).toBe('done');
    await world.stopSite('sakai');
    expect(holding(SAKAI)).toEqual([]);
    for (const r of routers) expect(world.lines(r).join('\n'), r).not.toContain(SAKAI);
    await world.expectNothingToApply();
  });

  it('a later step fails: the undo takes the site out of every router again', async () => {
    const before = new Map(routers.map((r) => [r, world.lines(r).join('\n')]));
    // The hub VPC's route to the site cannot be made: the run fails after every router took
    // the site, and undoes them.
    stack.world.state.faults.inject({
      action: 'CreateRoute',
      code: 'UnauthorizedOperation',
      times: 50,
    });
    try {
      const undone = await world.run(
        'add-peer kusatsu ipsec --remote 198.51.100.82 --subnets 10.200.6.0/24',
        'rolled-back',
      );
      const step = undone.steps.find((s) => s.id === 'join-default-role');
      expect(step?.status).toBe('undone');
      expect((step?.result as { changed: unknown[] }).changed).toHaveLength(routers.length);
    } finally {
      stack.world.state.faults.clear();
    }
    for (const r of routers) expect(world.lines(r).join('\n'), r).toBe(before.get(r));
    await world.expectNothingToApply();
  });

  it('a spoke that refuses the commit: the run undone, every router as it was', async () => {
    // spoke-oregon carries an operator's rule set naming a group that is gone (a drifted
    // router): vyos-1x firewall.py verify() refuses every commit that touches the firewall.
    const oregon = stack.world.router('spoke-oregon').handle.router;
    const kept = oregon.activeLines();
    const broken = ['firewall', 'ipv4', 'name', 'OPS-LOCAL', 'rule', '10'];
    expect(oregon.active.set([...broken, 'action', 'accept']).failed).toBeFalsy();
    expect(
      oregon.active.set([...broken, 'source', 'group', 'network-group', 'OPS-GONE']).failed,
    ).toBeFalsy();
    const before = new Map(routers.map((r) => [r, world.lines(r).join('\n')]));
    try {
      const undone = await world.run(
        'add-peer nara ipsec --remote 198.51.100.79 --subnets 10.200.3.0/24',
        'rolled-back',
      );
      const step = undone.steps.find((s) => s.id === 'join-default-role');
      expect(step?.status).toBe('failed');
      expect(step?.error).toContain('spoke-oregon failed');
      expect(step?.error).toContain('Invalid network-group "OPS-GONE" on firewall rule');
      // The routers before spoke-oregon in the inventory took the site and were put back.
      expect(step?.error).toMatch(/spoke-virginia, hub-tokyo-b, hub-tokyo-a put back/);
      for (const id of ['configure', 'configure-standby'])
        expect(undone.steps.find((s) => s.id === id)?.status, id).toBe('undone');
      for (const r of routers) expect(world.lines(r).join('\n'), r).toBe(before.get(r));
    } finally {
      oregon.active = ConfigTree.fromSetLines(kept);
    }
    await world.expectNothingToApply();
  });

  it('a spoke that does not answer is left behind, loudly and closed, until an apply', async () => {
    // spoke-ireland's next configuration read fails: the step's read of it.
    stack.faults.configReadFails.add('spoke-ireland');
    const added = await world.run(
      'add-peer otsu ipsec --remote 198.51.100.81 --subnets 10.200.5.0/24',
    );
    const step = added.steps.find((s) => s.id === 'join-default-role');
    expect(step?.detail).toContain('NOT on spoke-ireland (not answering)');
    expect(added.outcome).toContain(
      'WARNING: spoke-ireland did not answer and keeps site/otsu closed both ways',
    );
    expect(holding('10.200.5.0/24')).toEqual(routers.filter((r) => r !== 'spoke-ireland'));
    const diff = await world.run('policy diff');
    expect(diff.outcome).toContain('1 of 7 routers differ from the policy');
    expect(diff.outcome).toContain(
      "set firewall group network-group FLATNET-ROLE-staging network '10.200.5.0/24'",
    );
    await world.run('policy apply');
    expect(holding('10.200.5.0/24')).toEqual(routers);
    await world.expectNothingToApply();
  });

  it('resumed after a worker died: the dead attempt recorded too; undo exact', async () => {
    // The step's own code on the bot's SSH clients, as a resumed worker runs it: the attempt that
    // died had committed on both hubs. A first attempt finds the same and records only its own.
    const subnets = ['10.200.7.0/24'];
    const plan = { network: 'site/ako', role: 'staging', subnets, routers, why: 'test' };
    const deps = {
      inventory: stack.bot.runtime.loaded.inventory,
      routers: stack.bot.runtime.routers,
    };
    const ctx = (results: Record<string, Json>, firstAttempt: boolean) =>
      typedContext({
        run: buildRun({ kind: 'add-peer', target: 'ako' }),
        deps,
        log: silentLog,
        results,
        dryRun: false,
        firstAttempt,
        note: () => Promise.resolve(),
        assertStillOwner: () => Promise.resolve(),
      } as StepContext<DefaultRoleDeps>);
    const join = carryDefaultRole(S.planDefaultRole, 'join');
    const undo = undoCarryDefaultRole(S.planDefaultRole, S.joinDefaultRole, 'join');
    const before = new Map(routers.map((r) => [r, world.lines(r).join('\n')]));
    const byHand = async () => {
      for (const hub of [HUB, STANDBY]) {
        const client = deps.routers.router(hub);
        await client.applyConfig(
          joinRoleGroupLines(await client.runningConfig(), 'staging', subnets),
        );
      }
    };
    const planned = { [S.planDefaultRole.id]: plan };
    for (const firstAttempt of [false, true]) {
      await byHand();
      const done = await join(ctx(planned, firstAttempt));
      const changed = done?.result?.changed.map((c) => c.router);
      expect(holding(subnets[0]!)).toEqual(routers);
      // Resumed: the hubs count as this run's; first attempt: they were someone else's.
      expect(changed).toEqual(
        firstAttempt ? routers.slice(2) : [HUB, STANDBY, ...routers.slice(2)],
      );
      await undo(ctx({ ...planned, [S.joinDefaultRole.id]: toJson(done!.result)! }, false));
      expect(holding(subnets[0]!)).toEqual(firstAttempt ? [HUB, STANDBY] : []);
      if (firstAttempt)
        for (const hub of [HUB, STANDBY]) {
          const client = deps.routers.router(hub);
          await client.applyConfig(
            leaveRoleGroupLines(await client.runningConfig(), 'staging', subnets),
          );
        }
    }
    for (const r of routers) expect(world.lines(r).join('\n'), r).toBe(before.get(r));
  });
});
