/**
 * Issue 16 item 1, the VPC half: `/vpn attach-vpc` of a VPC the inventory does not list
 * (analytics, taken out of the world's inventory). The real bot (Slack emulator, BullMQ, SSH to
 * the VyOS emulators, the EC2 emulator) reads its ranges from EC2 (DescribeVpcs) and, with
 * `traffic.defaultRole: staging`, puts them in the staging network-group of every router that
 * runs the policy; the world's oracle, which reads only the routers, lets through exactly what
 * the model says — the model read from the world as `/vpn policy diff` reads it (EC2 and the
 * routers, src/policy/onboarded-vpcs.ts) — and nothing is left to apply. Without a defaultRole
 * the VPC is closed both ways, and the model says `unassigned`, not `outside`. An id EC2 does
 * not know is refused with the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { readTrafficPolicy, ruleFor, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { planPolicy } from '../../src/policy/plan-policy.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import type { Run } from '../../src/runbook/types.js';
import { startControlServer } from '../../src/sim/world/control-server.js';
import { WORLD_RULES, withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { startOnboardingStack } from './onboarding-stack.js';
import { policyWorld } from './traffic-policy-stack.js';

const REGION = 'ap-northeast-1';
const LABEL = `${REGION}/analytics`;
const CIDR = '10.70.0.0/16';
const SECONDARY = '100.64.70.0/24';
const RULES = [
  ...WORLD_RULES,
  { from: 'production', to: 'staging', protocol: 'icmp' },
  { from: 'staging', to: 'secure' },
];
const GROUP = 'set firewall group network-group FLATNET-ROLE-';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];

/** The world's policy with analytics taken out of the inventory (attached later, unlisted). */
const withPolicy = (defaultRole: string | undefined) => (inv: Inventory) => {
  withWorldPolicy(inv, RULES);
  inv.regions[REGION]!.vpcs = inv.regions[REGION]!.vpcs.filter((v) => v.name !== 'analytics');
  if (defaultRole) inv.traffic!.defaultRole = defaultRole;
};

async function startWorld(defaultRole: string | undefined) {
  const stack = await startOnboardingStack({}, withPolicy(defaultRole));
  const control = await startControlServer(stack.world);
  const policy = readTrafficPolicy(stack.bot.runtime.loaded.inventory)!;
  const world = policyWorld(stack, control, () => policy);
  const routers = Object.keys(stack.bot.runtime.loaded.inventory.routers);
  const vpcId = stack.world.topology.vpcs.find((v) => v.name === 'analytics')!.id;
  await world.run('policy apply');
  await world.expectNothingToApply();
  /** The model as `/vpn policy diff` reads it: the inventory plus what EC2 and the routers say. */
  const model = async (): Promise<TrafficPolicy> => {
    const runtime = stack.bot.runtime;
    const state = await readReachState({
      inventory: runtime.loaded.inventory,
      routers: runtime.routers,
      cloud: runtime.cloud,
    });
    return planPolicy(runtime.loaded.inventory, state).policy!;
  };
  /** attach-vpc approved by Bob; a run waits for AWS's tunnels, so up to 4 min under load. */
  const attach = async (id: string, status: Run['status'] = 'succeeded'): Promise<Run> => {
    const { runId, reply } = await stack.vpn('U0ALICE', `attach-vpc ${id} --region ${REGION}`);
    expect(runId, reply).toBeDefined();
    let r = await stack.waitForRun(runId!, ['awaiting-approval', ...FINAL], 240_000);
    if (r.status === 'awaiting-approval') {
      expect((await stack.bot.runtime.engine.decide(r.id, 'U0BOB', 'approve')).ok).toBe(true);
      r = await stack.waitForRun(r.id, FINAL, 240_000);
    }
    expect(r.status, `${r.outcome ?? ''} ${r.error ?? ''}`).toBe(status);
    return r;
  };
  const close = async () => {
    await control.close();
    await stack.close();
  };
  return { stack, world, routers, vpcId, model, attach, close };
}

describe('attach-vpc of a VPC the inventory does not list, with traffic.defaultRole', () => {
  let w: Awaited<ReturnType<typeof startWorld>>;
  beforeAll(async () => {
    w = await startWorld('staging');
  }, 240_000);
  afterAll(async () => w?.close());

  it('refuses a VPC id EC2 does not know, naming the fix', async () => {
    const { runId, reply } = await w.stack.vpn(
      'U0ALICE',
      `attach-vpc vpc-0123456789abcdef0 --region ${REGION}`,
    );
    const text = runId ? ((await w.stack.waitForRun(runId, FINAL)).error ?? '') : reply;
    expect(text).toContain(`there is no VPC vpc-0123456789abcdef0 in ${REGION}`);
    expect(text).toContain(`aws ec2 describe-vpcs --region ${REGION}`);
    for (const r of w.routers) expect(w.world.lines(r).join('\n'), r).not.toContain(CIDR);
  });

  it('a later step fails: the undo takes the range out of every router again', async () => {
    const before = new Map(w.routers.map((r) => [r, w.world.lines(r).join('\n')]));
    // Route propagation is refused after every router took the range: the run undoes them.
    w.stack.world.state.faults.inject({
      action: 'EnableVgwRoutePropagation',
      code: 'UnauthorizedOperation',
      times: 50,
    });
    try {
      const undone = await w.attach(w.vpcId, 'rolled-back');
      const step = undone.steps.find((s) => s.id === 'join-default-role');
      expect(step?.status).toBe('undone');
      expect((step?.result as { changed: unknown[] }).changed).toHaveLength(w.routers.length);
    } finally {
      w.stack.world.state.faults.clear();
    }
    for (const r of w.routers) expect(w.world.lines(r).join('\n'), r).toBe(before.get(r));
  });

  it('its range in the staging group on every router; oracle and model agree', async () => {
    expect(w.routers.length).toBeGreaterThanOrEqual(7);
    // The VPC has a second range (AssociateVpcCidrBlock): EC2 names both, both take the role.
    w.stack.world.state.vpcs.get(w.vpcId)!.secondaryCidrBlocks.push(SECONDARY);
    const run = await w.attach(w.vpcId);
    expect(run.steps.find((s) => s.id === 'plan-default-role')?.result).toMatchObject({
      network: LABEL,
      role: 'staging',
      subnets: [CIDR, SECONDARY],
    });
    expect(run.steps.find((s) => s.id === 'join-default-role')?.status).toBe('done');
    expect(run.plan?.join('\n')).toContain(
      `Traffic policy: ${LABEL} (${CIDR}, ${SECONDARY}) into FLATNET-ROLE-staging`,
    );
    const second = w.routers.filter((r) =>
      w.world.lines(r).includes(`${GROUP}staging network '${SECONDARY}'`),
    );
    expect(second).toEqual(w.routers);
    // Every router, the spokes too, not only the hub and its standby that attach-vpc configures.
    const holding = w.routers.filter((r) =>
      w.world.lines(r).includes(`${GROUP}staging network '${CIDR}'`),
    );
    expect(holding).toEqual(w.routers);
    // The model, read from the world, knows the VPC: staging by the default, not `outside`.
    const model = await w.model();
    expect(model.networks.find((n) => n.label === LABEL)).toMatchObject({
      role: 'staging',
      roleFrom: 'default',
      cidrs: [CIDR, SECONDARY],
    });
    // /vpn reach knows it by name, and judges it through the routers' rule sets.
    const cut = await w.world.run(`reach ${LABEL} us-east-1/production`);
    expect(cut.outcome).toContain(
      `${LABEL} does not reach us-east-1/production: the forward path breaks at hub-tokyo-a`,
    );
    const open = await w.world.run(`reach us-east-1/production ${LABEL}`);
    expect(open.outcome).toContain(
      `us-east-1/production reaches ${LABEL}, and the reply comes back`,
    );
    // The oracle says why: staging → production, dropped by policy rule 1 on the hub.
    expect((await w.world.reach(LABEL, 'us-east-1/production')).reason).toContain(
      'rule 10 of FLATNET-POLICY (policy rule 1: staging to production',
    );
    const m = await w.world.matrix();
    const seen = await w.world.expectPolicyHolds(m, LABEL, 4, model);
    const pair = (from: string, to: string) => m.paths.find((p) => p.from === from && p.to === to);
    expect(pair(`${REGION}/hub`, LABEL)?.reachable).toBe(true);
    expect(pair('us-east-1/production', LABEL)?.reachable).toBe(true);
    expect(pair(LABEL, `${REGION}/shared-services`)?.reachable).toBe(true);
    expect(pair(LABEL, 'us-east-1/production')?.reachable).toBe(false);
    expect(seen.allowed + seen.denied).toBeGreaterThanOrEqual(20);
    await w.world.expectNothingToApply();
  });
});

describe('attach-vpc of a VPC the inventory does not list, without traffic.defaultRole', () => {
  let w: Awaited<ReturnType<typeof startWorld>>;
  beforeAll(async () => {
    w = await startWorld(undefined);
  }, 240_000);
  afterAll(async () => w?.close());

  it('closed both ways on every router, and the model says unassigned, not outside', async () => {
    const run = await w.attach(w.vpcId);
    expect(run.steps.find((s) => s.id === 'plan-default-role')?.result).toMatchObject({
      role: null,
      subnets: [],
    });
    for (const r of w.routers) expect(w.world.lines(r).join('\n'), r).not.toContain(CIDR);
    const model = await w.model();
    expect(model.networks.find((n) => n.label === LABEL)).toMatchObject({
      role: 'unassigned',
      cidrs: [CIDR],
    });
    const hubHost = '10.0.1.10';
    expect(ruleFor(model, { src: '10.70.0.10', dst: hubHost, protocol: 'icmp' })).not.toBe(
      'outside',
    );
    const m = await w.world.matrix();
    const seen = await w.world.expectPolicyHolds(m, LABEL, 0, model);
    expect(seen.allowed).toBe(0);
    // /vpn reach, reading the routers, says the same.
    expect((await w.world.run(`reach ${REGION}/hub ${LABEL}`)).outcome).toContain(
      `${REGION}/hub does not reach ${LABEL}`,
    );
    expect(seen.denied).toBeGreaterThanOrEqual(20);
    await w.world.expectNothingToApply();
  });
});
