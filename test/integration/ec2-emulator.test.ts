import {
  AssociateAddressCommand,
  CreateCustomerGatewayCommand,
  CreateTagsCommand,
  DescribeCustomerGatewaysCommand,
  StartInstancesCommand,
  CreateVpnConnectionCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeVpnConnectionsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEc2Emulator, type Ec2Emulator } from '../../src/sim/ec2/server.js';
import { seedRouterRegion } from '../../src/sim/ec2/seed-router-region.js';
import { Ec2State } from '../../src/sim/ec2/state.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

let emu: Ec2Emulator;
let state: Ec2State;
const clients: EC2Client[] = [];

function ec2(region: string, maxAttempts = 1): EC2Client {
  const c = new EC2Client({ region, endpoint: emu.url, credentials, maxAttempts });
  clients.push(c);
  return c;
}

async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number; requestId?: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId,
    };
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  state = new Ec2State({ bootMs: 20, stopMs: 20 });
  emu = await startEc2Emulator({ state });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emu.close();
  state.close();
});

describe('EC2 emulator through the real SDK', () => {
  it('separates regions by the credential scope of the signature', async () => {
    const tokyo = seedRouterRegion(state, { region: 'ap-northeast-1', name: 'hub-tokyo-a' });
    seedRouterRegion(state, { region: 'us-east-1', name: 'spoke-us-east-1' });
    const out = await ec2('ap-northeast-1').send(new DescribeInstancesCommand({}));
    const ids = out.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(ids).toEqual([tokyo.router.instanceId]);
    const wrong = await failure(
      ec2('us-east-1').send(
        new DescribeInstancesCommand({ InstanceIds: [tokyo.router.instanceId] }),
      ),
    );
    expect(wrong.name).toBe('InvalidInstanceID.NotFound');
    expect(wrong.status).toBe(400);
    expect(wrong.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes an instance with its state, interface, source/dest check and tags', async () => {
    const w = seedRouterRegion(state, { region: 'eu-west-1', name: 'spoke-eu' });
    const out = await ec2('eu-west-1').send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Role', Values: ['vpn-router'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    const inst = out.Reservations?.[0]?.Instances?.[0];
    expect(inst?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(inst?.State).toEqual({ Code: 16, Name: 'running' });
    expect(inst?.SourceDestCheck).toBe(false);
    expect(inst?.PrivateIpAddress).toBe('10.0.1.10');
    expect(inst?.PublicIpAddress).toBe(w.address.publicIp);
    expect(inst?.NetworkInterfaces?.[0]?.NetworkInterfaceId).toBe(w.router.networkInterfaceId);
    expect(inst?.Tags).toContainEqual({ Key: 'Name', Value: 'spoke-eu' });
    const none = await ec2('eu-west-1').send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Role', Values: ['web'] }] }),
    );
    expect(none.Reservations).toEqual([]);
    const bad = await failure(
      ec2('eu-west-1').send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }),
      ),
    );
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('filters route tables, images and addresses', async () => {
    const w = seedRouterRegion(state, { region: 'sa-east-1', name: 'spoke-sa' });
    const c = ec2('sa-east-1');
    const tables = await c.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'route.instance-id', Values: [w.router.instanceId] }],
      }),
    );
    expect(tables.RouteTables?.map((t) => t.RouteTableId)).toEqual([w.routeTable.routeTableId]);
    // Not a documented DescribeRouteTables filter (EC2 API reference): AWS refuses it.
    const undocumented = await c
      .send(
        new DescribeRouteTablesCommand({
          Filters: [{ Name: 'route.network-interface-id', Values: [w.router.networkInterfaceId] }],
        }),
      )
      .catch((err: Error) => err);
    expect((undocumented as Error).name).toBe('InvalidParameterValue');
    const route = tables.RouteTables?.[0]?.Routes?.find(
      (r) => r.DestinationCidrBlock === '10.9.0.0/16',
    );
    expect(route).toMatchObject({
      NetworkInterfaceId: w.router.networkInterfaceId,
      InstanceId: w.router.instanceId,
      State: 'active',
    });
    expect(tables.RouteTables?.[0]?.Associations?.[0]?.SubnetId).toBe(w.subnet.subnetId);
    const images = await c.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'tag:Role', Values: ['VyattaBase'] }],
      }),
    );
    expect(images.Images?.map((i) => i.Name).sort()).toEqual(['vyos-1.4.0', 'vyos-1.4.3']);
    expect(images.Images?.every((i) => /^\d{4}-\d\d-\d\dT/.test(i.CreationDate ?? ''))).toBe(true);
    const byName = await c.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'name', Values: ['vyos-1.5*'] }],
      }),
    );
    expect(byName.Images?.map((i) => i.Name)).toEqual(['vyos-1.5-rc']);
    const addresses = await c.send(
      new DescribeAddressesCommand({ AllocationIds: [w.address.allocationId] }),
    );
    expect(addresses.Addresses?.[0]).toMatchObject({
      PublicIp: w.address.publicIp,
      NetworkInterfaceId: w.router.networkInterfaceId,
      InstanceId: w.router.instanceId,
    });
    const missing = await failure(
      c.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] })),
    );
    expect(missing.name).toBe('InvalidAllocationID.NotFound');
  });

  it('replays RunInstances with the same ClientToken and refuses a changed parameter', async () => {
    const w = seedRouterRegion(state, { region: 'us-west-2', name: 'spoke-usw2' });
    const c = ec2('us-west-2');
    const launch = (type: string) =>
      c.send(
        new RunInstancesCommand({
          ImageId: w.images[1]?.imageId,
          InstanceType: type as 'c5.xlarge',
          SubnetId: w.subnet.subnetId,
          MinCount: 1,
          MaxCount: 1,
          ClientToken: 'r-7k2m9q-launch',
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'spoke-usw2-b' }] },
          ],
        }),
      );
    const first = await launch('c5.xlarge');
    const again = await launch('c5.xlarge');
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.[0]?.InstanceId).toBe(first.Instances?.[0]?.InstanceId);
    expect(first.Instances?.[0]?.ClientToken).toBe('r-7k2m9q-launch');
    expect(first.Instances?.[0]?.Tags).toContainEqual({ Key: 'Name', Value: 'spoke-usw2-b' });
    expect(state.inRegion(state.instances, 'us-west-2')).toHaveLength(2);
    const mismatch = await failure(launch('c5.2xlarge'));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    expect(state.inRegion(state.instances, 'us-west-2')).toHaveLength(2);
  });

  it('answers DryRun with 412 DryRunOperation and changes nothing', async () => {
    const w = seedRouterRegion(state, { region: 'eu-west-1', name: 'spoke-eu' });
    state.getInstance(w.router.instanceId)!.sourceDestCheck = true;
    const dry = await failure(
      ec2('eu-west-1').send(
        new ModifyInstanceAttributeCommand({
          InstanceId: w.router.instanceId,
          SourceDestCheck: { Value: false },
          DryRun: true,
        }),
      ),
    );
    expect(dry).toMatchObject({
      name: 'DryRunOperation',
      status: 412,
      message: 'Request would have succeeded, but DryRun flag is set.',
    });
    expect(state.getInstance(w.router.instanceId)?.sourceDestCheck).toBe(true);
    await ec2('eu-west-1').send(
      new ModifyInstanceAttributeCommand({
        InstanceId: w.router.instanceId,
        SourceDestCheck: { Value: false },
      }),
    );
    expect(state.getInstance(w.router.instanceId)?.sourceDestCheck).toBe(false);
  });

  it(
    'refuses to take an associated address without ' +
      'AllowReassociation, moves it with, and emits the event',
    async () => {
      const w = seedRouterRegion(state, { region: 'ap-northeast-1', name: 'hub-tokyo-a' });
      const standby = state.addInstance({
        region: 'ap-northeast-1',
        type: 'c5.large',
        imageId: w.router.imageId,
        subnetId: w.subnet.subnetId,
        tags: { Name: 'hub-tokyo-b' },
      });
      const c = ec2('ap-northeast-1');
      const refused = await failure(
        c.send(
          new AssociateAddressCommand({
            AllocationId: w.address.allocationId,
            NetworkInterfaceId: standby.networkInterfaceId,
          }),
        ),
      );
      expect(refused.name).toBe('Resource.AlreadyAssociated');
      const events: unknown[] = [];
      state.on('address-associated', (e) => events.push(e));
      const before = state.getAddress(w.address.allocationId)?.associationId;
      const out = await c.send(
        new AssociateAddressCommand({
          AllocationId: w.address.allocationId,
          NetworkInterfaceId: standby.networkInterfaceId,
          AllowReassociation: true,
        }),
      );
      expect(out.AssociationId).toMatch(/^eipassoc-/);
      expect(out.AssociationId).not.toBe(before);
      expect(state.getAddress(w.address.allocationId)).toMatchObject({
        networkInterfaceId: standby.networkInterfaceId,
        instanceId: standby.instanceId,
      });
      expect(events).toEqual([
        expect.objectContaining({
          allocationId: w.address.allocationId,
          publicIp: w.address.publicIp,
          networkInterfaceId: standby.networkInterfaceId,
          instanceId: standby.instanceId,
          previousNetworkInterfaceId: w.router.networkInterfaceId,
        }),
      ]);
    },
  );

  it('blackholes a route when its instance stops', async () => {
    const w = seedRouterRegion(state, { region: 'ap-southeast-1', name: 'spoke-sg' });
    const c = ec2('ap-southeast-1');
    const transitions: string[] = [];
    const stopped = new Promise<void>((resolve) =>
      state.on('instance-state', (e) => {
        transitions.push(`${e.from}->${e.to}`);
        if (e.to === 'stopped') resolve();
      }),
    );
    const out = await c.send(new StopInstancesCommand({ InstanceIds: [w.router.instanceId] }));
    expect(out.StoppingInstances?.[0]).toMatchObject({
      CurrentState: { Code: 64, Name: 'stopping' },
      PreviousState: { Code: 16, Name: 'running' },
    });
    await stopped;
    expect(transitions).toEqual(['running->stopping', 'stopping->stopped']);
    const tables = await c.send(
      new DescribeRouteTablesCommand({ RouteTableIds: [w.routeTable.routeTableId] }),
    );
    const routes = tables.RouteTables?.[0]?.Routes ?? [];
    expect(routes.find((r) => r.DestinationCidrBlock === '10.9.0.0/16')?.State).toBe('blackhole');
    expect(routes.find((r) => r.GatewayId === 'local')?.State).toBe('active');
  });

  it(
    'answers unknown actions with InvalidAction and ' +
      'injected throttling with RequestLimitExceeded',
    async () => {
      const res = await fetch(emu.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=TerminateEverything&Version=2016-11-15',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      const body = new XMLParser().parse(await res.text()) as {
        Response: { Errors: { Error: { Code: string } } };
      };
      expect(body.Response.Errors.Error.Code).toBe('InvalidAction');
      state.faults.inject({ action: 'DescribeImages', code: 'RequestLimitExceeded', times: 1 });
      const throttled = await failure(
        ec2('us-east-1').send(new DescribeImagesCommand({ Owners: ['self'] })),
      );
      expect(throttled).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
      await expect(
        ec2('us-east-1').send(new DescribeImagesCommand({ Owners: ['self'] })),
      ).resolves.toBeDefined();
    },
  );

  it('returns the existing customer gateway for an identical request', async () => {
    const c = ec2('eu-west-1');
    const a = await c.send(
      new CreateCustomerGatewayCommand({
        Type: 'ipsec.1',
        PublicIp: '203.0.113.200',
        BgpAsn: 65000,
      }),
    );
    const b = await c.send(
      new CreateCustomerGatewayCommand({
        Type: 'ipsec.1',
        PublicIp: '203.0.113.200',
        BgpAsn: 65000,
      }),
    );
    const other = await c.send(
      new CreateCustomerGatewayCommand({
        Type: 'ipsec.1',
        PublicIp: '203.0.113.200',
        BgpAsn: 65001,
      }),
    );
    expect(b.CustomerGateway?.CustomerGatewayId).toBe(a.CustomerGateway?.CustomerGatewayId);
    expect(other.CustomerGateway?.CustomerGatewayId).not.toBe(a.CustomerGateway?.CustomerGatewayId);
    expect(a.CustomerGateway).toMatchObject({
      IpAddress: '203.0.113.200',
      BgpAsn: '65000',
      State: 'available',
      Type: 'ipsec.1',
    });
  });

  it(
    'creates a VPN connection whose configuration ' +
      'has two tunnels with distinct addresses and keys',
    async () => {
      const vpc = state.addVpc({ region: 'eu-west-1', cidrBlock: '10.20.0.0/16' });
      const vgw = state.addVpnGateway({ region: 'eu-west-1', vpcId: vpc.vpcId });
      const c = ec2('eu-west-1');
      const cgw = await c.send(
        new CreateCustomerGatewayCommand({
          Type: 'ipsec.1',
          PublicIp: '203.0.113.9',
          BgpAsn: 65000,
        }),
      );
      const out = await c.send(
        new CreateVpnConnectionCommand({
          Type: 'ipsec.1',
          CustomerGatewayId: cgw.CustomerGateway?.CustomerGatewayId,
          VpnGatewayId: vgw.vpnGatewayId,
          Options: {
            StaticRoutesOnly: false,
            TunnelOptions: [{ TunnelInsideCidr: '169.254.225.8/30' }],
          },
        }),
      );
      const xml = out.VpnConnection?.CustomerGatewayConfiguration ?? '';
      const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
        vpn_connection: { ipsec_tunnel: TunnelXml[] };
      };
      type TunnelXml = {
        customer_gateway: {
          tunnel_outside_address: { ip_address: string };
          tunnel_inside_address: { ip_address: string };
          bgp: { asn: number };
        };
        vpn_gateway: {
          tunnel_outside_address: { ip_address: string };
          tunnel_inside_address: { ip_address: string };
          bgp: { asn: number };
        };
        ike: { pre_shared_key: string };
      };
      const tunnels = doc.vpn_connection.ipsec_tunnel;
      expect(tunnels).toHaveLength(2);
      const [t1, t2] = tunnels as [TunnelXml, TunnelXml];
      expect(t1.customer_gateway.tunnel_outside_address.ip_address).toBe('203.0.113.9');
      expect(t1.customer_gateway.tunnel_inside_address.ip_address).toBe('169.254.225.10');
      expect(t1.vpn_gateway.tunnel_inside_address.ip_address).toBe('169.254.225.9');
      expect(t1.vpn_gateway.bgp.asn).toBe(64512);
      expect(t1.customer_gateway.bgp.asn).toBe(65000);
      expect(t1.vpn_gateway.tunnel_outside_address.ip_address).not.toBe(
        t2.vpn_gateway.tunnel_outside_address.ip_address,
      );
      expect(t1.vpn_gateway.tunnel_inside_address.ip_address).not.toBe(
        t2.vpn_gateway.tunnel_inside_address.ip_address,
      );
      expect(t1.ike.pre_shared_key).not.toBe(t2.ike.pre_shared_key);
      for (const t of tunnels)
        expect(t.ike.pre_shared_key).toMatch(/^[A-Za-z1-9._][A-Za-z0-9._]{31}$/);
      expect(out.VpnConnection?.VgwTelemetry?.map((t) => t.OutsideIpAddress)).toEqual(
        tunnels.map((t) => t.vpn_gateway.tunnel_outside_address.ip_address),
      );
    },
  );

  it('refuses a VPN connection whose customer ASN equals the VGW ASN', async () => {
    const vgw = state.addVpnGateway({ region: 'eu-west-1' });
    const cgw = state.addCustomerGateway({
      region: 'eu-west-1',
      ipAddress: '203.0.113.9',
      bgpAsn: 64512,
    });
    const err = await failure(
      ec2('eu-west-1').send(
        new CreateVpnConnectionCommand({
          Type: 'ipsec.1',
          CustomerGatewayId: cgw.customerGatewayId,
          VpnGatewayId: vgw.vpnGatewayId,
        }),
      ),
    );
    expect(err.name).toBe('AsnConflict');
  });

  it(
    'reports tunnel telemetry from the status ' + 'provider and remembers when it changed',
    async () => {
      let now = new Date('2026-11-25T10:00:00.000Z');
      const timed = new Ec2State({ now: () => now });
      await emu.close();
      emu = await startEc2Emulator({ state: timed });
      const vgw = timed.addVpnGateway({ region: 'us-east-1' });
      const cgw = timed.addCustomerGateway({ region: 'us-east-1', ipAddress: '203.0.113.9' });
      const conn = timed.addVpnConnection({
        region: 'us-east-1',
        customerGatewayId: cgw.customerGatewayId,
        vpnGatewayId: vgw.vpnGatewayId,
      });
      const read = async () =>
        (
          await ec2('us-east-1').send(
            new DescribeVpnConnectionsCommand({ VpnConnectionIds: [conn.vpnConnectionId] }),
          )
        ).VpnConnections?.[0]?.VgwTelemetry ?? [];
      const down = await read();
      expect(down.map((t) => t.Status)).toEqual(['DOWN', 'DOWN']);
      now = new Date('2026-11-25T10:05:00.000Z');
      timed.setTunnelStatusProvider((_c, index) => (index === 0 ? 'UP' : 'DOWN'));
      const [up, stillDown] = await read();
      expect(up).toMatchObject({
        Status: 'UP',
        StatusMessage: '2 BGP ROUTES',
        AcceptedRouteCount: 2,
        LastStatusChange: now,
      });
      expect(stillDown).toMatchObject({
        Status: 'DOWN',
        AcceptedRouteCount: 0,
        LastStatusChange: new Date('2026-11-25T10:00:00.000Z'),
      });
      timed.close();
    },
  );

  it('starts a stopped instance again: pending, then running', async () => {
    const w = seedRouterRegion(state, { region: 'eu-west-1', name: 'spoke-eu' });
    state.setInstanceState(w.router.instanceId, 'stopped');
    const running = new Promise<void>((resolve) =>
      state.on('instance-state', (e) => e.to === 'running' && resolve()),
    );
    const out = await ec2('eu-west-1').send(
      new StartInstancesCommand({ InstanceIds: [w.router.instanceId] }),
    );
    expect(out.StartingInstances?.[0]).toMatchObject({
      CurrentState: { Name: 'pending' },
      PreviousState: { Name: 'stopped' },
    });
    await running;
    expect(state.route(w.routeTable.routeTableId, '10.9.0.0/16')?.state).toBe('active');
  });

  it('tags resources and finds customer gateways by tag', async () => {
    const c = ec2('us-east-1');
    const cgw = await c.send(
      new CreateCustomerGatewayCommand({
        Type: 'ipsec.1',
        PublicIp: '203.0.113.50',
        BgpAsn: 65010,
      }),
    );
    const id = cgw.CustomerGateway?.CustomerGatewayId ?? '';
    await c.send(
      new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'hub-tokyo' }] }),
    );
    const found = await c.send(
      new DescribeCustomerGatewaysCommand({
        Filters: [{ Name: 'tag:Name', Values: ['hub-tokyo'] }],
      }),
    );
    expect(found.CustomerGateways?.map((g) => g.CustomerGatewayId)).toEqual([id]);
    const unknown = await failure(
      c.send(
        new CreateTagsCommand({
          Resources: ['i-00000000000000000'],
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      ),
    );
    expect(unknown.name).toBe('InvalidInstanceID.NotFound');
  });

  it('closes promptly even while a slowed-down request is in flight', async () => {
    state.actionLatencyMs.set('DescribeImages', 60_000);
    const arrived = new Promise<void>((resolve) => state.once('request-received', () => resolve()));
    const inFlight = ec2('us-east-1')
      .send(new DescribeImagesCommand({ Owners: ['self'] }))
      .then(
        () => 'answered',
        () => 'cut off',
      );
    await arrived;
    await emu.close();
    expect(await inFlight).toBe('cut off');
  });
});
