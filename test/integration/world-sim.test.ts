import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import {
  AssociateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeVpnConnectionsCommand,
  EC2Client,
  ReplaceRouteCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseInventory } from '../../src/config/load-inventory.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import { parseIpsecSa } from '../../src/vyos/parse-ipsec-sa.js';
import { parseBgpSummary } from '../../src/vyos/parse-bgp-summary.js';
import { fromHub, routedTimeline } from '../helpers/routed-paths.js';
import { waitUntil as waitFor } from '../helpers/wait-for.js';

/** Run one op command over a real ssh2 client, pinning the router's host key. */
function exec(
  endpoint: { host: string; port: number; hostKey: string },
  privateKey: string,
  command: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const pinned = Buffer.from(endpoint.hostKey.split(' ')[1]!, 'base64');
    client
      .on('ready', () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
          stream.on('close', () => {
            client.end();
            resolve(out);
          });
        });
      })
      .on('error', reject)
      .connect({
        host: endpoint.host,
        port: endpoint.port,
        username: 'vyos',
        privateKey,
        readyTimeout: 5000,
        hostVerifier: (key: Buffer) => key.equals(pinned),
      });
  });
}

describe('simulated world', () => {
  let dir: string;
  let world: World;
  let control: ControlServer;
  let ec2: EC2Client;
  let botKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-world-'));
    world = await startWorld({ dir, tunnelUpMs: 100, bootMs: 100 });
    control = await startControlServer(world);
    botKey = readFileSync(world.botKey.privateKeyPath, 'utf8');
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

  const hubA = () => world.router('hub-tokyo-a');
  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${control.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('writes an inventory that parseInventory accepts, with the real ports and pinned keys', () => {
    const path = world.writeInventory(join(dir, 'flatnet.yml'));
    const inv = parseInventory(readFileSync(path, 'utf8'), path, dir);
    expect(Object.keys(inv.routers)).toHaveLength(7);
    const a = inv.routers['hub-tokyo-a']!;
    expect(a.ssh).toMatchObject({ host: '127.0.0.1', port: hubA().port, hostKey: hubA().hostKey });
    expect(a.instanceId).toBe(hubA().instanceId);
    expect(a.elasticIp?.publicIp).toBe('203.0.113.10');
    expect(inv.aws.endpoint).toBe(world.ec2Url);
    expect(inv.slack.channel).toBe('C0NETOPS');
    expect(inv.groups['network-approvers']).toEqual(['U0BOB', 'U0CAROL']);
    expect(inv.policies.scaleup?.approvers).toEqual(['network-approvers']);
    // The inventory carries no router secret.
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(world.topology.spokePsks['spoke-virginia']!);
    expect(text).not.toContain(world.topology.wireguard.privateKey);
  });

  it(
    'shows the hub with every spoke and the ' + 'office up, and BGP established, over real SSH',
    async () => {
      const sa = parseIpsecSa(await exec(hubA(), botKey, 'show vpn ipsec sa'));
      const up = sa.sas.filter((s) => s.state === 'up').map((s) => s.peer);
      expect(up).toEqual(
        expect.arrayContaining([
          'spoke-virginia',
          'spoke-oregon',
          'spoke-ireland',
          'spoke-singapore',
          'spoke-saopaulo',
          'office',
        ]),
      );
      const bgp = parseBgpSummary(await exec(hubA(), botKey, 'show ip bgp summary'));
      expect(bgp).not.toBeNull();
      expect(bgp!.neighbors.length).toBeGreaterThanOrEqual(7);
      expect(bgp!.neighbors.every((n) => n.state === 'Established')).toBe(true);
    },
  );

  it(
    'lets the AWS SDK see the routers, Elastic ' + 'IPs, route tables and VPN telemetry UP',
    async () => {
      const instances =
        (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap(
          (r) => r.Instances ?? [],
        ) ?? [];
      expect(instances.map((i) => i.InstanceId)).toEqual(
        expect.arrayContaining([hubA().instanceId, world.router('hub-tokyo-b').instanceId]),
      );
      const addresses = (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
      expect(addresses.find((a) => a.PublicIp === '203.0.113.10')?.InstanceId).toBe(
        hubA().instanceId,
      );
      const tables = (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? [];
      const hubTable = tables.find((t) => t.VpcId === world.topology.vpcs[0]!.id)!;
      const eniA = world.state.getInstance(hubA().instanceId)!.networkInterfaceId;
      expect(
        hubTable.Routes?.find((r) => r.DestinationCidrBlock === '10.10.0.0/16')?.NetworkInterfaceId,
      ).toBe(eniA);
      const vpn = (await ec2.send(new DescribeVpnConnectionsCommand({}))).VpnConnections ?? [];
      expect(vpn).toHaveLength(1);
      expect(vpn[0]!.VgwTelemetry?.map((t) => t.Status)).toEqual(['UP', 'UP']);
    },
  );

  it('control API: a tunnel forced down and up again', async () => {
    const down = await post('/routers/spoke-oregon/tunnels/hub/down');
    expect(down.status).toBe(200);
    const sa = parseIpsecSa(await exec(world.router('spoke-oregon'), botKey, 'show vpn ipsec sa'));
    // A real VyOS lists only the SAs that exist: a peer that is down has no row.
    expect(sa.sas.find((s) => s.peer === 'hub')).toBeUndefined();
    expect(
      world.timeline().paths.find((p) => p.path === fromHub('us-west-2/production'))?.forwarded,
    ).toBe(false);
    await post('/routers/spoke-oregon/tunnels/hub/up');
    await waitFor(
      'oregon forwarded again',
      () =>
        world.timeline().paths.find((p) => p.path === fromHub('us-west-2/production'))?.forwarded,
    );
    const state = (await (await fetch(`${control.url}/state`)).json()) as {
      routers: { name: string; tunnels: { peer: string; up: boolean }[] }[];
    };
    expect(
      state.routers.find((r) => r.name === 'spoke-oregon')?.tunnels.find((t) => t.peer === 'hub')
        ?.up,
    ).toBe(true);
    expect((await post('/routers/no-such-router/down')).status).toBe(404);
    const load = await post('/routers/hub-tokyo-a/load', { load: [2.5, 2.2, 1.1] });
    expect(load.status).toBe(200);
    expect(await exec(hubA(), botKey, 'cat /proc/loadavg')).toMatch(/^2\.50? 2\.20? 1\.10?/);
  });

  it('re-establishes tunnels after restart ipsec, on both ends', async () => {
    const ireland = world.router('spoke-ireland');
    const before = Date.now();
    expect(await exec(ireland, botKey, 'restart ipsec')).toContain('IPsec process restarted');
    const spokeSide = world.model.tunnelsOf(ireland.instanceId).find((t) => t.peer === 'hub')!;
    const hubSide = world.model
      .tunnelsOf(hubA().instanceId)
      .find((t) => t.peer === 'spoke-ireland')!;
    // Never up before the restart plus the establishment time, whatever the clock did meanwhile.
    expect(spokeSide.upAt).toBeGreaterThanOrEqual(before + world.model.tunnelUpMs);
    expect(hubSide.upAt).toBe(spokeSide.upAt);
    await waitFor('ireland back up', () =>
      world.model.isUp(world.model.tunnelsOf(ireland.instanceId).find((t) => t.peer === 'hub')),
    );
  });

  it(
    'tears every SA down on reset vpn ipsec site-to-site ' +
      'all and re-establishes them after tunnelUpMs',
    async () => {
      const oregon = world.router('spoke-oregon');
      const before = Date.now();
      const out = await exec(oregon, botKey, 'reset vpn ipsec site-to-site all');
      expect(out).toContain('Peer hub terminate result: success');
      const spokeSide = world.model.tunnelsOf(oregon.instanceId).find((t) => t.peer === 'hub')!;
      const hubSide = world.model
        .tunnelsOf(hubA().instanceId)
        .find((t) => t.peer === 'spoke-oregon')!;
      // Down right after the reset, on both ends, until the establishment time has passed.
      expect(spokeSide.upAt).toBeGreaterThanOrEqual(before + world.model.tunnelUpMs);
      expect(hubSide.upAt).toBe(spokeSide.upAt);
      await waitFor('oregon back up', () =>
        world.model.isUp(world.model.tunnelsOf(oregon.instanceId).find((t) => t.peer === 'hub')),
      );
    },
  );

  it('treats an ipsec-reset that names no peer as a reset of every SA on that router', async () => {
    const singapore = world.router('spoke-singapore');
    await waitFor('singapore up', () =>
      world.model.isUp(world.model.tunnelsOf(singapore.instanceId).find((t) => t.peer === 'hub')),
    );
    const before = Date.now();
    singapore.handle.router.emit('ipsec-reset', {});
    const spokeSide = world.model.tunnelsOf(singapore.instanceId).find((t) => t.peer === 'hub')!;
    expect(spokeSide.upAt).toBeGreaterThanOrEqual(before + world.model.tunnelUpMs);
    expect(
      world.model.tunnelsOf(hubA().instanceId).find((t) => t.peer === 'spoke-singapore')?.upAt,
    ).toBe(spokeSide.upAt);
    await waitFor('singapore back up', () =>
      world.model.isUp(world.model.tunnelsOf(singapore.instanceId).find((t) => t.peer === 'hub')),
    );
  });

  it(
    'fails the hub over: stop, outage, EIP + route ' +
      'to the standby, tunnels back on hub-tokyo-b',
    async () => {
      world.resetTimeline();
      const a = hubA();
      const b = world.router('hub-tokyo-b');
      await ec2.send(new StopInstancesCommand({ InstanceIds: [a.instanceId] }));
      await waitFor('hub-tokyo-a refusing SSH', () =>
        exec(a, botKey, 'show version').then(
          () => false,
          () => true,
        ),
      );
      await waitFor('spokes losing the hub', () =>
        world.model
          .tunnelsOf(world.router('spoke-virginia').instanceId)
          .every((t) => !world.model.isUp(t)),
      );
      expect(
        world.timeline().paths.find((p) => p.path === fromHub('us-east-1/production'))?.forwarded,
      ).toBe(false);

      const eniB = world.state.getInstance(b.instanceId)!.networkInterfaceId;
      await ec2.send(
        new AssociateAddressCommand({
          AllocationId: world.topology.routers[0]!.elasticIp!.allocationId,
          NetworkInterfaceId: eniB,
          AllowReassociation: true,
        }),
      );
      const hubTable = world.topology.vpcs[0]!;
      for (const r of hubTable.routes) {
        await ec2.send(
          new ReplaceRouteCommand({
            RouteTableId: hubTable.routeTableId,
            DestinationCidrBlock: r.destination,
            NetworkInterfaceId: eniB,
          }),
        );
      }
      await waitFor('every VPC forwarded through hub-tokyo-b', () =>
        routedTimeline(world).paths.every((p) => p.forwarded),
      );
      const sa = parseIpsecSa(await exec(b, botKey, 'show vpn ipsec sa'));
      expect(sa.sas.filter((s) => s.state === 'up').map((s) => s.peer)).toEqual(
        expect.arrayContaining(['spoke-virginia', 'spoke-saopaulo', 'office']),
      );
      const outages = routedTimeline(world).outages;
      expect(outages.find((o) => o.path === fromHub('us-east-1/production'))?.to).toBeDefined();
      expect(world.outageMs().longestMs).toBeGreaterThan(0);
    },
  );

  it(
    'gives an instance launched from a VyattaBase ' + 'AMI its own router with a new host key',
    async () => {
      const image = [...world.state.images.values()].find(
        (i) => i.region === 'ap-northeast-1' && i.tags.Role === 'VyattaBase',
      )!;
      const launched = await ec2.send(
        new RunInstancesCommand({
          ImageId: image.imageId,
          InstanceType: 'c5.xlarge',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: world.topology.vpcs[0]!.subnets[0]!.id,
          ClientToken: 'world-test-launch',
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'hub-tokyo-a2' }] },
          ],
        }),
      );
      const instance = launched.Instances![0]!;
      const endpoint = await waitFor('the new router', () =>
        world.resolveSsh(instance.PrivateIpAddress!),
      );
      expect(world.sshEndpointOf(instance.InstanceId!)).toEqual(endpoint);
      expect(world.routers().map((r) => r.hostKey)).toContain(endpoint.hostKey);
      expect(new Set(world.routers().map((r) => r.hostKey)).size).toBe(world.routers().length);
      const config = await waitFor('SSH on the running instance', () =>
        exec(endpoint, botKey, 'show configuration commands').catch(() => false),
      );
      expect(config).toContain("set interfaces ethernet eth0 address 'dhcp'");
      expect(config).not.toContain('site-to-site');
    },
  );
});

describe('simulated world at scale', () => {
  it('adds extra spokes as more routers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatnet-world-'));
    const world = await startWorld({ dir, extraSpokes: 3, tunnelUpMs: 100 });
    try {
      expect(world.routers().map((r) => r.name)).toEqual(
        expect.arrayContaining(['spoke-extra-01', 'spoke-extra-02', 'spoke-extra-03']),
      );
      expect(world.routers()).toHaveLength(10);
      const extra = world.router('spoke-extra-03');
      expect(world.model.tunnelsOf(extra.instanceId).map((t) => world.model.isUp(t))).toEqual([
        true,
      ]);
      const path = world.writeInventory();
      expect(
        Object.keys(parseInventory(readFileSync(path, 'utf8'), path, dir).routers),
      ).toHaveLength(10);
    } finally {
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
