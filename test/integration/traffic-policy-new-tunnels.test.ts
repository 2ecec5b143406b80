/**
 * Issue 16: a network onboarded after `/vpn policy apply` is under the policy at once. The real
 * bot (Slack emulator, BullMQ, SSH to the VyOS emulators, the EC2 emulator) applies the policy,
 * then adds a site with `/vpn add-peer` and attaches a VPC with `/vpn attach-vpc`, and nobody
 * applies the policy again: the world's oracle, which reads only the routers' running
 * configurations, must judge every pair of the new network, both ways, as the policy does
 * (allowed pairs reach and their replies come back, denied pairs are blocked by the rule set,
 * not by an interface in no zone). Taking the network away again, by remove-peer or by an
 * undo, leaves no zone line behind, on the hub or its standby.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { readTrafficPolicy, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import { WORLD_RULES, withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';
import { HUB, policyWorld, STANDBY } from './traffic-policy-stack.js';

const RULES = [
  ...WORLD_RULES,
  { from: 'branch', to: 'shared' },
  { from: 'staging', to: 'branch' },
  { from: 'secure', to: 'shared' },
  { from: 'production', to: 'secure' },
];
/** kobe, added later, is a `branch` site. */
const withPolicy = (inv: Inventory) =>
  withWorldPolicy(inv, RULES, { kobe: { networks: ['10.200.2.0/24'], role: 'branch' } });

describe('a network onboarded after the policy was applied is under it at once', () => {
  let stack: OnboardingStack;
  let control: ControlServer;
  let policy: TrafficPolicy;
  let world: ReturnType<typeof policyWorld>;
  const lines = (router: string) => world.lines(router);
  const zoneLines = (router: string) =>
    lines(router).filter((l) => l.startsWith('set firewall zone FLATNET-'));
  const matrix = () => world.matrix();
  const reach = (from: string, to: string, probe = '') => world.reach(from, to, probe);
  const run: ReturnType<typeof policyWorld>['run'] = (text, status) => world.run(text, status);
  const startSite = (name: string, publicIp: string, lan: string) =>
    world.startSite(name, publicIp, lan);
  const expectNothingToApply = () => world.expectNothingToApply();
  const expectPolicyHolds = (m: Awaited<ReturnType<typeof matrix>>, label: string, min = 2) =>
    world.expectPolicyHolds(m, label, min);

  beforeAll(async () => {
    stack = await startOnboardingStack({}, (inv) => withPolicy(inv));
    control = await startControlServer(stack.world);
    policy = readTrafficPolicy(stack.bot.runtime.loaded.inventory)!;
    world = policyWorld(stack, control, () => policy);
    await run('policy apply');
    await expectNothingToApply();
  }, 180_000);
  afterAll(async () => {
    await control?.close();
    await stack?.close();
  });

  it('add-peer of a route-based site: its VTI zoned on both hubs, its role holds', async () => {
    await run('add-peer kobe ipsec --remote 198.51.100.78 --subnets 10.200.2.0/24');
    for (const router of [HUB, STANDBY])
      expect(zoneLines(router), router).toContain(
        "set firewall zone FLATNET-VPN interface 'vti100'",
      );
    await startSite('kobe', '198.51.100.78', '10.200.2.0/24');
    await expectPolicyHolds(await matrix(), 'site/kobe');
    // Stateful, on a port: kobe's new connection to the hub VPC goes through and its reply comes
    // back; the hub VPC's own new connection toward kobe is dropped by the rule set on the hub.
    expect(await reach('site/kobe', 'ap-northeast-1/hub', '&protocol=tcp&port=22')).toMatchObject({
      reachable: true,
    });
    const back = await reach('ap-northeast-1/hub', 'site/kobe', '&protocol=tcp&port=22');
    expect(back).toMatchObject({ reachable: false, direction: 'forward', brokenAt: HUB });
    expect(back.reason).toContain(
      'the default-action drop of FLATNET-POLICY, zone FLATNET-VPC to FLATNET-VPN',
    );
    await expectNothingToApply();
  });

  it('a site the inventory does not list is closed both ways, and the model says so', async () => {
    // No traffic.defaultRole: sakai is in no role network-group, so the rule set drops every new
    // connection to or from it. The model used to call its addresses `outside` and let them by.
    const added = await run('add-peer sakai ipsec --remote 198.51.100.80 --subnets 10.200.4.0/24');
    expect(added.steps.find((x) => x.id === 'join-default-role')?.detail).toContain(
      'takes no role (no traffic.defaultRole)',
    );
    await startSite('sakai', '198.51.100.80', '10.200.4.0/24');
    const m = await matrix();
    const pairs = m.paths.filter((x) => x.from === 'site/sakai' || x.to === 'site/sakai');
    expect(pairs.length).toBeGreaterThanOrEqual(10);
    expect(pairs.filter((p) => p.reachable).map((p) => `${p.from} → ${p.to}`)).toEqual([]);
    await expectPolicyHolds(m, 'site/sakai', 0);
    await expectNothingToApply();
    await run('remove-peer sakai');
    await world.stopSite('sakai');
  });

  it('add-peer of a WireGuard laptop: its interface, zoned by the apply, stays so', async () => {
    const before = { hub: zoneLines(HUB), standby: zoneLines(STANDBY) };
    expect(before.hub).toContain("set firewall zone FLATNET-WG interface 'wg0'");
    await run('add-peer erin-laptop');
    expect(zoneLines(HUB)).toEqual(before.hub);
    expect(zoneLines(STANDBY)).toEqual(before.standby);
    await expectNothingToApply();
  });

  it('remove-peer takes the VTI out of the zone on the hub and the standby', async () => {
    await run('remove-peer kobe');
    // Its operator takes the site's router away too (its paths are no longer routed).
    await world.stopSite('kobe');
    for (const router of [HUB, STANDBY])
      expect(
        lines(router).filter((l) => l.includes('vti100')),
        router,
      ).toEqual([]);
    await expectNothingToApply();
  });

  it('an add-peer undone takes its VTI out of the zone again', async () => {
    const before = { hub: lines(HUB).join('\n'), standby: lines(STANDBY).join('\n') };
    // The hub VPC's route to the site cannot be made: the run fails after both hubs took the
    // peer, and undoes them.
    stack.world.state.faults.inject({
      action: 'CreateRoute',
      code: 'UnauthorizedOperation',
      times: 50,
    });
    try {
      const undone = await run(
        'add-peer nara ipsec --remote 198.51.100.79 --subnets 10.200.3.0/24',
        'rolled-back',
      );
      expect(undone.steps.find((s) => s.id === 'configure')?.status).toBe('undone');
      expect(undone.steps.find((s) => s.id === 'configure-standby')?.status).toBe('undone');
    } finally {
      stack.world.state.faults.clear();
    }
    expect(lines(HUB).join('\n')).toBe(before.hub);
    expect(lines(STANDBY).join('\n')).toBe(before.standby);
  });

  it('attach-vpc: undone, no zone line left; attached, both VTIs zoned, role holds', async () => {
    const analytics = stack.world.topology.vpcs.find((v) => v.name === 'analytics')!;
    const before = { hub: zoneLines(HUB), standby: zoneLines(STANDBY) };
    stack.world.state.faults.inject({
      action: 'EnableVgwRoutePropagation',
      code: 'UnauthorizedOperation',
      times: 50,
    });
    try {
      await run(`attach-vpc ${analytics.id} --region ap-northeast-1`, 'rolled-back');
    } finally {
      stack.world.state.faults.clear();
    }
    expect(zoneLines(HUB)).toEqual(before.hub);
    expect(zoneLines(STANDBY)).toEqual(before.standby);

    await run(`attach-vpc ${analytics.id} --region ap-northeast-1`);
    for (const router of [HUB, STANDBY])
      for (const vti of ['vti202', 'vti203'])
        expect(zoneLines(router), router).toContain(
          `set firewall zone FLATNET-VPN interface '${vti}'`,
        );
    await expectPolicyHolds(await matrix(), 'ap-northeast-1/analytics');
    await expectNothingToApply();
  });
});
