/**
 * /vpn reach against the simulated world: the product reads only real state (EC2 through the
 * SDK, routers over SSH) and must agree with the world's own reachability oracle (GET
 * /reach/matrix) on every pair of the reference topology, and again after each way of
 * breaking a path: VGW propagation off, a stopped router, a missing return route, an SA down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DisableVgwRoutePropagationCommand,
  EC2Client,
  EnableVgwRoutePropagationCommand,
} from '@aws-sdk/client-ec2';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { followRun } from '../../src/cli/follow-run.js';
import { judgeAllPairs } from '../../src/reach/judge-reach.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import type { ReachVerdict } from '../../src/report/reach-report.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import type { World } from '../../src/sim/world/start-world.js';
import type { Runtime } from '../../src/wiring/create-runtime.js';
import { waitFor } from '../helpers/wait-for.js';
import { del } from '../../src/vyos/config-line.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';

/** The oracle names the office `office`; flatnet knows it as the site peer `office`. */
const productLabel = (oracle: string) => (oracle === 'office' ? 'site/office' : oracle);

describe('/vpn reach agrees with the simulator', () => {
  let stack: WorldRuntime | undefined;
  let world: World;
  let runtime: Runtime;
  let control: ControlServer;
  let ec2: EC2Client;

  beforeAll(async () => {
    stack = await startWorldRuntime('vpn-reach');
    ({ world, runtime } = stack);
    control = await startControlServer(world);
    ec2 = new EC2Client({
      region: 'ap-northeast-1',
      endpoint: world.ec2Url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    ec2?.destroy();
    await control?.close();
    await stack?.close();
  });

  const oracle = async (): Promise<ReachMatrix> =>
    (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;
  const product = async (): Promise<ReachVerdict[]> =>
    judgeAllPairs(
      await readReachState({
        inventory: runtime.loaded.inventory,
        routers: runtime.routers,
        cloud: runtime.cloud,
      }),
    );
  /** Every ordered pair where the two disagree, as `from → to: oracle says X`. */
  const disagreements = (m: ReachMatrix, mine: ReachVerdict[]): string[] => {
    const out: string[] = [];
    expect(mine).toHaveLength(m.total);
    for (const p of m.paths) {
      const q = mine.find((x) => x.from === productLabel(p.from) && x.to === productLabel(p.to));
      if (!q || q.reachable !== p.reachable)
        out.push(
          `${p.from} → ${p.to}: oracle ${p.reachable} (${p.reason ?? ''}), ` +
            `flatnet ${q?.reachable} (${q?.reason ?? 'absent'})`,
        );
    }
    return out;
  };
  /** The world changes on events and timers: compare until a moment both read alike. */
  const agreeing = async () =>
    waitFor(async () => {
      const m = await oracle();
      const mine = await product();
      return disagreements(m, mine).length === 0 ? { m, mine } : undefined;
    }, 'flatnet and the oracle to agree on every pair').catch(async (err: unknown) => {
      const m = await oracle();
      expect(disagreements(m, await product())).toEqual([]);
      throw err;
    });
  /** The pairs the untouched topology connects, read from the oracle before any test breaks it. */
  let untouched: string[] = [];
  const reachablePairs = (m: ReachMatrix) =>
    m.paths.filter((p) => p.reachable).map((p) => `${p.from} → ${p.to}`);
  /**
   * After a test mends what it broke, the world takes a while to heal (a started router boots,
   * a released SA re-establishes after tunnelUpMs), and flatnet agrees with the oracle all the
   * while. Wait for the oracle to connect exactly the untouched pairs again, so the next test
   * starts from the reference topology and not from a tunnel still on its way up.
   */
  const restored = async () => {
    await waitFor(async () => {
      const now = reachablePairs(await oracle());
      return now.length === untouched.length && now.every((p, i) => p === untouched[i]);
    }, 'the world to connect every pair it connected before the test broke it');
    return agreeing();
  };
  const verdict = (mine: ReachVerdict[], from: string, to: string) =>
    mine.find((v) => v.from === from && v.to === to)!;

  it('agrees on every pair of the reference topology, reachable or not', async () => {
    const { m, mine } = await agreeing();
    expect(m.total).toBe(210);
    untouched = reachablePairs(m);
    expect(untouched.length).toBeGreaterThan(0);
    const ok = verdict(mine, 'us-east-1/production', 'ap-northeast-1/shared-services');
    expect(ok.reachable).toBe(true);
    expect(ok.path.join('\n')).toMatch(/vgw-.*\(propagated\)/);
    const office = verdict(mine, 'site/office', 'ap-northeast-1/hub');
    expect(office.reachable).toBe(true);
    expect(office.judgedUpTo?.join()).toMatch(/site office's router/);
  });

  it(
    'VGW propagation turned off through the SDK: ' +
      'the replies from the VGW VPC have no way back',
    async () => {
      const shared = world.topology.vpcs.find((v) => v.name === 'shared-services')!;
      const vgw = world.topology.vgws[0]!.id;
      await ec2.send(
        new DisableVgwRoutePropagationCommand({
          RouteTableId: shared.routeTableId,
          GatewayId: vgw,
        }),
      );
      try {
        const { mine } = await agreeing();
        const v = verdict(mine, 'us-east-1/production', 'ap-northeast-1/shared-services');
        expect(v).toMatchObject({ reachable: false, direction: 'return' });
        expect(v.reason).toContain(shared.routeTableId);
        expect(v.fix).toMatch(/propagation on .* attach-vpc/);
      } finally {
        await ec2.send(
          new EnableVgwRoutePropagationCommand({
            RouteTableId: shared.routeTableId,
            GatewayId: vgw,
          }),
        );
      }
      const { mine } = await restored();
      expect(
        verdict(mine, 'us-east-1/production', 'ap-northeast-1/shared-services').reachable,
      ).toBe(true);
    },
  );

  it('a stopped router instance breaks its VPCs, and says to start it or fail over', async () => {
    world.setRouterDown('spoke-oregon', true, 'instance');
    const id = world.router('spoke-oregon').instanceId;
    try {
      await waitFor(() => world.state.getInstance(id)?.state === 'stopped', 'the spoke to stop');
      const { mine } = await agreeing();
      const v = verdict(mine, 'ap-northeast-1/hub', 'us-west-2/production');
      expect(v.reachable).toBe(false);
      const out = verdict(mine, 'us-west-2/staging', 'ap-northeast-1/hub');
      expect(out).toMatchObject({ reachable: false, direction: 'forward' });
      expect(out.reason).toMatch(/blackhole|spoke-oregon is stopped/);
      expect(out.fix).toMatch(/spoke-oregon/);
    } finally {
      world.setRouterDown('spoke-oregon', false, 'instance');
    }
    await waitFor(() => world.state.getInstance(id)?.state === 'running', 'the spoke to run');
    await restored();
  });

  it(
    'a missing return route (the hub VPC forgets a ' +
      'spoke CIDR) breaks the replies into that VPC',
    async () => {
      const hub = world.topology.vpcs.find((v) => v.name === 'hub')!;
      const eni = world.state.getInstance(
        world.router('hub-tokyo-a').instanceId,
      )!.networkInterfaceId;
      await ec2.send(
        new DeleteRouteCommand({
          RouteTableId: hub.routeTableId,
          DestinationCidrBlock: '10.30.0.0/16',
        }),
      );
      try {
        const { mine } = await agreeing();
        const v = verdict(mine, 'eu-west-1/production', 'ap-northeast-1/hub');
        expect(v).toMatchObject({ reachable: false, direction: 'return' });
        expect(v.reason).toContain(hub.routeTableId);
        expect(v.fix).toMatch(/add a route 10\.30\.0\.0\/16 → hub-tokyo-a/);
        expect(verdict(mine, 'eu-west-1/staging', 'ap-northeast-1/hub').reachable).toBe(true);
      } finally {
        await ec2.send(
          new CreateRouteCommand({
            RouteTableId: hub.routeTableId,
            DestinationCidrBlock: '10.30.0.0/16',
            NetworkInterfaceId: eni,
          }),
        );
      }
      await restored();
    },
  );

  it('an SA down: the office is judged up to its tunnel, and the tunnel is down', async () => {
    world.setTunnelForced('hub-tokyo-a', 'office', 'down');
    try {
      const { mine } = await agreeing();
      const v = verdict(mine, 'ap-northeast-1/hub', 'site/office');
      expect(v.reachable).toBe(false);
      expect(v.reason).toMatch(/SA to office is down/);
      expect(v.fix).toMatch(/reset vpn ipsec site-to-site peer office/);
    } finally {
      world.setTunnelForced('hub-tokyo-a', 'office', 'up');
    }
    await restored();
  });

  it('answers /vpn reach hop by hop, and refuses an endpoint that does not exist', async () => {
    const ask = async (text: string) => {
      const reply = await handleSlashCommand(runtime.slash, {
        command: '/vpn',
        text,
        user: 'U0ALICE',
        origin: { kind: 'cli', channel: 'cli' },
      });
      if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
      return followRun(runtime.engine, reply.run.id, { timeoutMs: 30_000 });
    };
    const good = await ask('reach hub 192.168.7.7');
    expect(good.status).toBe('succeeded');
    expect(good.outcome).toMatch(
      /^ap-northeast-1\/hub reaches site\/office, and the reply comes back/,
    );
    expect(good.outcome).toMatch(
      /IPsec policy 10\.0\.0\.0\/8 → 192\.168\.0\.0\/16 \(peer office\)/,
    );
    const bad = await ask('reach mars office');
    expect(bad.status).not.toBe('succeeded');
    expect(bad.error).toMatch(/"mars" is no endpoint of the flat network/);
  });

  it(
    'an AS-path loop between two VGWs (as-override taken ' +
      'away): both say analytics and shared-services part',
    async () => {
      const analytics = world.topology.vpcs.find((v) => v.name === 'analytics')!;
      const reply = await handleSlashCommand(runtime.slash, {
        command: '/vpn',
        text: `attach-vpc ${analytics.id} --region ap-northeast-1`,
        user: 'U0ALICE',
        origin: { kind: 'cli', channel: 'cli' },
      });
      if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
      const waiting = await followRun(runtime.engine, reply.run.id, { timeoutMs: 30_000 });
      if (waiting.status === 'awaiting-approval')
        expect((await runtime.engine.decide(reply.run.id, 'U0BOB', 'approve')).ok).toBe(true);
      const attached = await followRun(runtime.engine, reply.run.id, { timeoutMs: 60_000 });
      expect(attached.status, attached.outcome).toBe('succeeded');
      const linked = await agreeing();
      expect(
        verdict(linked.mine, 'ap-northeast-1/analytics', 'ap-northeast-1/shared-services')
          .reachable,
      ).toBe(true);

      // Both VGWs have Amazon-side AS 64512: without as-override each drops the other's VPC.
      const hub = runtime.routers.router('hub-tokyo-a');
      const overrides = (await hub.runningConfig()).filter((l) => l.path.at(-1) === 'as-override');
      expect(overrides.length).toBeGreaterThanOrEqual(2);
      await hub.applyConfig(overrides.map((l) => del(l.path)));
      const { m, mine } = await agreeing();
      const loop = verdict(mine, 'ap-northeast-1/analytics', 'ap-northeast-1/shared-services');
      expect(loop.reachable).toBe(false);
      expect(
        m.paths.find(
          (p) => p.from === 'ap-northeast-1/analytics' && p.to === 'ap-northeast-1/shared-services',
        )?.reachable,
      ).toBe(false);
    },
  );
});
