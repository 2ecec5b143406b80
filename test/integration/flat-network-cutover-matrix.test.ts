/**
 * Issue 11: after a scale-up, a failover and a failback, every path of the flat network that
 * worked before the run works after it, judged by the world's reachability oracle over every
 * pair of endpoints. The network first gets a WireGuard laptop through /vpn add-peer, so the
 * hub VPC holds a route flatnet created (the pool): the cutovers must carry it along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { expectNothingLost, score } from '../helpers/reach-matrix.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
let control: ControlServer;
beforeAll(async () => {
  stack = await startOnboardingStack();
  control = await startControlServer(stack.world);
  // Production polls the tunnels every 250 ms; the simulator's come up in 100 ms.
  const scale = stack.bot.runtime.deps.scale;
  scale.tunnelWait = { timeoutMs: 10_000, pollMs: 20 };
  // A launched instance answers SSH on loopback in the simulator, not on its private IP.
  scale.replacementSsh = (instance) =>
    waitFor(
      () => stack.world.resolveSsh(instance.instanceId),
      `an SSH server for ${instance.instanceId}`,
    ).then((e) => ({ host: e.host, port: e.port }));
});
afterAll(async () => {
  await control?.close();
  await stack?.close();
});

async function matrix(): Promise<ReachMatrix> {
  return (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;
}

const world = () => stack.world;
const hubTable = () =>
  world().state.routeTables.get(world().topology.vpcs.find((v) => v.name === 'hub')!.routeTableId)!;
const poolRoute = () => hubTable().routes.find((r) => r.destination === '10.250.0.0/24');
/** The interface holding the hub's Elastic IP: where the hub VPC's routes must go. */
const eipHolder = () =>
  [...world().state.addresses.values()].find((a) => a.publicIp === world().topology.hub.publicIp)!
    .networkInterfaceId;

/** The interface the us-east-1 Staging VPC routes the flat network to: the spoke's second leg. */
const stagingLeg = () => {
  const staging = world().topology.vpcs.find(
    (v) => v.name === 'staging' && v.region === 'us-east-1',
  )!;
  return world()
    .state.routeTables.get(staging.routeTableId)!
    .routes.find((r) => r.destination === '10.0.0.0/8')!.networkInterfaceId!;
};

/** Run it, then: nothing that worked before stops working; the pool route follows the hub. */
async function keepsTheNetwork(command: '/vpn' | '/router', text: string): Promise<ReachMatrix> {
  const before = await matrix();
  await stack.succeed(command, text);
  const after = await matrix();
  expectNothingLost(before, after);
  expect(poolRoute()?.networkInterfaceId).toBe(eipHolder());
  console.info(`reach matrix, ${text}: before ${score(before)}, after ${score(after)}`);
  return after;
}

describe('cutovers keep every path of the flat network', () => {
  it('a laptop added by /vpn add-peer: the hub VPC routes its pool to the hub', async () => {
    expect(poolRoute()).toBeUndefined();
    await stack.succeed('/vpn', 'add-peer alice-laptop');
    const file = await waitFor(
      () =>
        stack.slack.store
          .filesIn('D0ALICE')
          .find((f) => f.name === 'alice-laptop-hub-tokyo-a.conf'),
      'the client file',
    );
    world().installWireguardClient('alice-laptop', file.bytes.toString('utf8'));
    expect(poolRoute()?.networkInterfaceId).toBe(eipHolder());
    expect((await matrix()).broken).toBe(0);
  });

  it('failover of the hub moves the route flatnet created with the others', async () => {
    const primaryEni = eipHolder();
    const m = await keepsTheNetwork('/router', 'failover hub-tokyo-a');
    expect(eipHolder()).not.toBe(primaryEni);
    expect(m.broken).toBe(0);
  });

  it('failback brings it back', async () => {
    const m = await keepsTheNetwork('/router', 'failback hub-tokyo-a');
    expect(m.broken).toBe(0);
  });

  it('scale-up of the hub', async () => {
    const m = await keepsTheNetwork('/router', 'scaleup hub-tokyo-a');
    expect(m.broken).toBe(0);
  });

  it(
    'a spoke scale-up that fails moving the ' + 'Staging leg puts it back on the old router',
    async () => {
      const before = await matrix();
      const eni = stagingLeg();
      const oldInstance = world().state.networkInterfaces.get(eni)!.instanceId;
      // The detach succeeds, the attach is refused: the leg is on no instance when the undo runs.
      world().state.faults.inject({
        action: 'AttachNetworkInterface',
        code: 'UnauthorizedOperation',
      });
      const started = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: 'C0NETOPS',
        command: '/router',
        text: 'scaleup spoke-virginia',
      });
      const runId = /Started (r-[a-z0-9]{6})/.exec(
        JSON.stringify(started.json ?? started.body),
      )?.[1];
      await stack.waitForRun(runId!, ['awaiting-approval']);
      await stack.bot.runtime.engine.decide(runId!, 'U0BOB', 'approve');
      const run = await stack.waitForRun(runId!);
      expect(run.status, run.outcome).toBe('rolled-back');
      expect(run.steps.find((s) => s.id === 'move-interfaces')?.error).toContain(
        'ec2:AttachNetworkInterface',
      );
      expect(world().state.networkInterfaces.get(eni)!.instanceId).toBe(oldInstance);
      await waitFor(
        async () => (await stack.bot.runtime.engine.whoHolds('spoke-virginia')) === undefined,
        'the lease',
      );
      // The Elastic IP went back to the old router: its tunnels re-establish after the run ends
      // (the undo does not wait for them), so the paths come back a moment later, all of them.
      await waitFor(async () => {
        try {
          expectNothingLost(before, await matrix());
          return true;
        } catch {
          return false;
        }
      }, 'every path that worked before to work again after the rollback');
      expectNothingLost(before, await matrix());
    },
  );

  it('scale-up of a spoke, whose Staging VPC reaches it through a second interface', async () => {
    const oldInstance = world().state.networkInterfaces.get(stagingLeg())!.instanceId;
    const m = await keepsTheNetwork('/router', 'scaleup spoke-virginia');
    // The Staging leg moved to the new router; the Staging route still targets it.
    const nowOn = world().state.networkInterfaces.get(stagingLeg())!.instanceId;
    expect(nowOn).not.toBe(oldInstance);
    expect(world().state.instances.get(nowOn!)!.state).toBe('running');
    expect(m.broken).toBe(0);
  });
});
