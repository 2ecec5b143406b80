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
import { allows, readTrafficPolicy, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import type { Run } from '../../src/runbook/types.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { waitFor } from '../helpers/wait-for.js';
import { WORLD_RULES, withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { sitesOf, withOnboardedSites } from '../../src/policy/onboarded-sites.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

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

const HUB = 'hub-tokyo-a';
const STANDBY = 'hub-tokyo-b';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];

describe('a network onboarded after the policy was applied is under it at once', () => {
  let stack: OnboardingStack;
  let control: ControlServer;
  let policy: TrafficPolicy;
  const lines = (router: string) => stack.world.router(router).handle.router.activeLines();
  const zoneLines = (router: string) =>
    lines(router).filter((l) => l.startsWith('set firewall zone FLATNET-'));
  const matrix = async () =>
    (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;
  const reach = async (from: string, to: string, probe = '') => {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${probe}`;
    return (await (await fetch(`${control.url}/reach?${q}`)).json()) as {
      reachable: boolean;
      brokenAt?: string;
      reason?: string;
      direction?: string;
    };
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${control.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status, `POST ${path}: ${await res.clone().text()}`).toBe(200);
  };
  /** A command that must end as `status` (approved by Bob when it asks). */
  const run = async (text: string, status: Run['status'] = 'succeeded'): Promise<Run> => {
    const { runId, reply } = await stack.vpn('U0ALICE', text);
    expect(runId, reply).toBeDefined();
    let r = await stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
    if (r.status === 'awaiting-approval') {
      expect((await stack.bot.runtime.engine.decide(r.id, 'U0BOB', 'approve')).ok).toBe(true);
      r = await stack.waitForRun(r.id, FINAL);
    }
    expect(r.status, `${text}: ${r.outcome ?? ''} ${r.error ?? ''}`).toBe(status);
    return r;
  };
  /** The site's own router, typed from the VyOS script add-peer sent to its requester. */
  const startSite = async (name: string, publicIp: string, lan: string) => {
    const file = `${name}-hub-tokyo-a-vyos.txt`;
    const script = await waitFor(
      () => stack.slack.store.filesIn('D0ALICE').find((f) => f.name === file),
      'the site script',
    );
    await post('/sites', { name, publicIp, lan, script: script.bytes.toString('utf8') });
  };
  /** No apply is needed: `/vpn policy diff` finds every router as the policy renders it. */
  const expectNothingToApply = async () =>
    expect((await run('policy diff')).outcome).toContain(
      'Every router runs the traffic policy of the inventory.',
    );

  /**
   * Every pair with `label`, both ways, as the policy says (a ping: there and back, so an
   * allowed pair's reply came back through the rule set's `established` rule); and both kinds
   * among them. Blocked pairs are blocked by the rule set, never by a zone's default.
   */
  async function expectPolicyHolds(m: ReachMatrix, label: string, minAllowed = 2): Promise<void> {
    const address = new Map(m.endpoints.map((e) => [e.label, e.address]));
    expect([...address.keys()]).toContain(label);
    const wrong: string[] = [];
    const seen = { allowed: 0, denied: 0 };
    // The model with the sites the hub carries that the inventory does not list, read from the
    // hub as flatnet reads it (src/policy/onboarded-sites.ts).
    const hubConfig = await stack.bot.runtime.routers.router(HUB).runningConfig();
    const model = withOnboardedSites(policy, sitesOf(hubConfig));
    for (const p of m.paths.filter((x) => x.from === label || x.to === label)) {
      const expected = allows(model, {
        src: address.get(p.from)!,
        dst: address.get(p.to)!,
        protocol: 'icmp',
      });
      seen[expected ? 'allowed' : 'denied']++;
      if (p.reachable !== expected || (!expected && !/FLATNET-POLICY/.test(p.reason ?? '')))
        wrong.push(`${p.from} → ${p.to}: policy ${expected}, oracle ${p.reachable} (${p.reason})`);
    }
    expect(wrong).toEqual([]);
    expect(seen.allowed).toBeGreaterThanOrEqual(minAllowed);
    expect(seen.denied).toBeGreaterThanOrEqual(4);
  }

  beforeAll(async () => {
    stack = await startOnboardingStack({}, (inv) => withPolicy(inv));
    control = await startControlServer(stack.world);
    policy = readTrafficPolicy(stack.bot.runtime.loaded.inventory)!;
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
    await run('add-peer sakai ipsec --remote 198.51.100.80 --subnets 10.200.4.0/24');
    await startSite('sakai', '198.51.100.80', '10.200.4.0/24');
    const m = await matrix();
    const pairs = m.paths.filter((x) => x.from === 'site/sakai' || x.to === 'site/sakai');
    expect(pairs.length).toBeGreaterThanOrEqual(10);
    expect(pairs.filter((p) => p.reachable).map((p) => `${p.from} → ${p.to}`)).toEqual([]);
    await expectPolicyHolds(m, 'site/sakai', 0);
    await expectNothingToApply();
    await run('remove-peer sakai');
    expect((await fetch(`${control.url}/sites/sakai`, { method: 'DELETE' })).status).toBe(200);
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
    expect((await fetch(`${control.url}/sites/kobe`, { method: 'DELETE' })).status).toBe(200);
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
