/**
 * The world's reachability oracle through its control API and the EC2 emulator: the matrix of
 * the reference topology, a path broken by route propagation turned off (through the real SDK),
 * a stopped router, and far sides installed the way an operator would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeRouteTablesCommand,
  DisableVgwRoutePropagationCommand,
  EC2Client,
  EnableVgwRoutePropagationCommand,
} from '@aws-sdk/client-ec2';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachAnswer, ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { generateWireguardKeyPair } from '../../src/sim/world/generate-secrets.js';
import { waitFor } from '../helpers/wait-for.js';

describe('reachability oracle in the running world', () => {
  let dir: string;
  let world: World;
  let control: ControlServer;
  let ec2: EC2Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-reach-'));
    world = await startWorld({ dir, tunnelUpMs: 100, bootMs: 100 });
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
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${control.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${control.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const reach = async (from: string, to: string) =>
    (await get<ReachAnswer>(`/reach?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`))
      .body;
  const shared = () => world.topology.vpcs.find((v) => v.name === 'shared-services')!;

  it(
    'judges every pair of the reference topology, ' + 'both ways, and names what is unrouted',
    async () => {
      const { body: m } = await get<ReachMatrix>('/reach/matrix');
      expect(m.endpoints.map((e) => e.label)).toEqual(
        expect.arrayContaining([
          'ap-northeast-1/hub',
          'office',
          'wg/ops-carol',
          'us-east-1/staging',
        ]),
      );
      expect(m.total).toBe(m.endpoints.length * (m.endpoints.length - 1));
      const path = (from: string, to: string) =>
        m.paths.find((p) => p.from === from && p.to === to)!;
      expect(path('us-east-1/production', 'eu-west-1/staging').reachable).toBe(true);
      expect(path('ap-northeast-1/shared-services', 'us-west-2/production').reachable).toBe(true);
      expect(path('office', 'ap-northeast-1/hub').reachable).toBe(true);
      // Issue 11: the hub announces neither the WireGuard pool nor the office to the spokes.
      const pool = path('wg/ops-carol', 'us-east-1/production');
      expect(pool).toMatchObject({ reachable: false, direction: 'return' });
      expect(pool.reason).toMatch(/routing loop toward 10\.250\.0\.2/);
      const hubToLaptop = path('ap-northeast-1/hub', 'wg/ops-dave');
      expect(hubToLaptop.reason).toMatch(/sends 10\.250\.0\.3 to igw-/);
      expect(m.broken).toBe(m.paths.filter((p) => !p.reachable).length);
      // The timeline follows the paths to and from the hub VPC; those that worked at start did.
      expect(world.routedAtStart.size).toBeGreaterThan(0);
      for (const p of world.routedAtStart) {
        const [from, to] = p.split(' → ');
        expect(path(from!, to!).reachable).toBe(true);
      }
      expect(world.routedAtStart.has('ap-northeast-1/hub → wg/ops-carol')).toBe(false);
    },
  );

  it('accepts addresses, and answers 400/404 for a missing or unknown endpoint', async () => {
    const a = await reach('10.10.2.7', '10.0.2.100');
    expect(a).toMatchObject({ from: 'us-east-1/production', to: 'ap-northeast-1/hub' });
    expect(a.reachable).toBe(true);
    expect(a.path.join('\n')).toMatch(/spoke-virginia/);
    expect((await get('/reach?from=office')).status).toBe(400);
    const unknown = await get<{ error: string }>('/reach?from=office&to=mars');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no endpoint mars/);
  });

  it(
    'breaks the return path when VGW route ' + 'propagation is turned off, and heals when on',
    async () => {
      const table = shared().routeTableId;
      const vgw = world.topology.vgws[0]!.id;
      const described = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table] }));
      expect(described.RouteTables?.[0]?.PropagatingVgws).toEqual([{ GatewayId: vgw }]);
      await ec2.send(
        new DisableVgwRoutePropagationCommand({ RouteTableId: table, GatewayId: vgw }),
      );
      const off = await reach('us-east-1/production', 'ap-northeast-1/shared-services');
      expect(off).toMatchObject({ reachable: false, direction: 'return' });
      expect(off.reason).toMatch(
        new RegExp(`route table ${table} sends 10\\.10\\.2\\.100 to igw-`),
      );
      expect(
        world
          .timeline()
          .paths.find((p) => p.path === 'ap-northeast-1/hub → ap-northeast-1/shared-services')
          ?.forwarded,
      ).toBe(false);
      await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: table, GatewayId: vgw }));
      expect(
        (await reach('us-east-1/production', 'ap-northeast-1/shared-services')).reachable,
      ).toBe(true);
      // A VGW of another VPC cannot propagate here (AWS: it must be attached to the table's VPC).
      await expect(
        ec2.send(
          new EnableVgwRoutePropagationCommand({
            RouteTableId: table,
            GatewayId: world.topology.vgws[1]!.id,
          }),
        ),
      ).rejects.toMatchObject({ name: 'Gateway.NotAttached' });
    },
  );

  it('names the laptop hop when a client the hub does not know is installed', async () => {
    const laptop = generateWireguardKeyPair();
    const config = [
      '[Interface]',
      `PrivateKey = ${laptop.privateKey}`,
      'Address = 10.250.0.77/32',
      '[Peer]',
      `PublicKey = ${world.topology.wireguard.publicKey}`,
      `Endpoint = ${world.topology.hub.publicIp}:51820`,
      'AllowedIPs = 10.0.0.0/8',
    ].join('\n');
    expect((await post('/wireguard/clients', { name: 'alice', config })).status).toBe(200);
    const a = await reach('wg/alice', 'ap-northeast-1/hub');
    expect(a).toMatchObject({ reachable: false, brokenAt: 'WireGuard client alice' });
    expect(a.reason).toMatch(/hub-tokyo-a wg0 has no peer with alice's key/);
    const bad = await post('/wireguard/clients', { name: 'bob', config: '[Interface]\n' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/the client file has no interface\./);
  });

  it('a site is a router only once its script is installed; a bad LAN is refused', async () => {
    const script = [
      "set vpn ipsec site-to-site peer hub remote-address '203.0.113.10'",
      "set vpn ipsec site-to-site peer hub tunnel 0 local prefix '172.16.7.0/24'",
      "set vpn ipsec site-to-site peer hub tunnel 0 remote prefix '10.0.0.0/8'",
    ].join('\n');
    const bad = await post('/sites', {
      name: 'b1',
      publicIp: '198.18.7.10',
      lan: '172.16',
      script,
    });
    expect(bad.status).toBe(400);
    const ok = await post('/sites', {
      name: 'branch-1',
      publicIp: '198.18.7.10',
      lan: '172.16.7.0/24',
      script,
    });
    expect(ok.body).toEqual({ ok: true, endpoint: 'site/branch-1' });
    const a = await reach('site/branch-1', 'ap-northeast-1/hub');
    expect(a.reachable).toBe(false);
    // A script without routing (issue 11, item 5): the kernel has no route, so the IPsec
    // policy is never even looked up.
    expect(a.reason).toMatch(/branch-1 has no route to 10\.0\.2\.100/);
    const gone = await fetch(`${control.url}/sites/branch-1`, { method: 'DELETE' });
    expect(gone.status).toBe(200);
  });

  it('a stopped spoke router blackholes its VPC routes', async () => {
    await post('/routers/spoke-oregon/down', {});
    const a = await reach('us-west-2/production', 'ap-northeast-1/hub');
    expect(a.reachable).toBe(false);
    expect(a.reason).toMatch(/is a blackhole \(instance not running\)|spoke-oregon is not running/);
    // Started again once EC2 says stopped (StartInstances refuses a stopping instance, as EC2
    // does), it boots and its VPC is forwarded again.
    const id = world.router('spoke-oregon').instanceId;
    await waitFor(() => world.state.getInstance(id)?.state === 'stopped', 'the spoke to stop');
    expect((await post('/routers/spoke-oregon/up', {})).status).toBe(200);
    await waitFor(
      async () => (await reach('us-west-2/production', 'ap-northeast-1/hub')).reachable,
      'the started spoke to forward its VPC again',
    );
  });
});
