import { createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloud, type CloudOptions } from '../../src/aws/create-cloud.js';
import type { Cloud } from '../../src/aws/cloud.js';
import { EC2_ACTIONS_USED } from '../../src/aws/ec2-actions.js';
import { CloudError } from '../../src/errors.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/sim/ec2/server.js';
import { seedRouterRegion, type SeededRouterRegion } from '../../src/sim/ec2/seed-router-region.js';
import { Ec2State } from '../../src/sim/ec2/state.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const credentials = { accessKeyId: 'AKIDFLATNETTEST', secretAccessKey: SECRET };
const REGION = 'ap-northeast-1';

let emu: Ec2Emulator;
let state: Ec2State;
let cloud: Cloud;
let hub: SeededRouterRegion;
const actionsSeen = new Set<string>();

function newCloud(extra: Partial<CloudOptions> = {}): Cloud {
  return createCloud({
    endpoint: emu.url,
    credentials,
    waiter: { minDelaySeconds: 0.05, maxWaitSeconds: 5 },
    env: {},
    ...extra,
  });
}

async function cloudError(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CloudError);
    const e = err as CloudError;
    // Whatever went wrong, the secret key never reaches what an operator reads.
    expect(e.forHumans).not.toContain(SECRET);
    return e;
  }
  throw new Error('expected a CloudError');
}

beforeEach(async () => {
  state = new Ec2State({ bootMs: 50, stopMs: 20 });
  state.on('request', (r) => actionsSeen.add(r.action));
  emu = await startEc2Emulator({ state });
  hub = seedRouterRegion(state, { region: REGION, name: 'hub-tokyo-a' });
  cloud = newCloud();
});

afterEach(async () => {
  cloud.close();
  await emu.close();
  state.close();
});

afterAll(() => {
  // The IAM policy is generated from EC2_ACTIONS_USED: every action the adapter sent must be in it.
  expect(
    [...actionsSeen].filter((a) => !(EC2_ACTIONS_USED as readonly string[]).includes(a)),
  ).toEqual([]);
});

describe('AWS adapter against the EC2 emulator', () => {
  it('describes the router, its Elastic IP and the route tables that point at it', async () => {
    const router = await cloud.describeInstance(REGION, hub.router.instanceId);
    expect(router).toMatchObject({
      instanceId: hub.router.instanceId,
      region: REGION,
      state: 'running',
      type: 'c5.large',
      privateIp: '10.0.1.10',
      networkInterfaceId: hub.router.networkInterfaceId,
      sourceDestCheck: false,
      tags: { Name: 'hub-tokyo-a', Role: 'vpn-router' },
    });
    expect(router.launchTime).toBeInstanceOf(Date);
    const eip = await cloud.describeAddress(REGION, hub.address.allocationId);
    expect(eip).toMatchObject({
      publicIp: hub.address.publicIp,
      networkInterfaceId: hub.router.networkInterfaceId,
      instanceId: hub.router.instanceId,
    });
    const tables = await cloud.describeRouteTables(REGION, {
      networkInterfaceId: hub.router.networkInterfaceId,
    });
    expect(tables).toHaveLength(1);
    expect(tables[0]?.routes).toContainEqual({
      destination: '10.9.0.0/16',
      networkInterfaceId: hub.router.networkInterfaceId,
      instanceId: hub.router.instanceId,
      gatewayId: undefined,
      state: 'active',
    });
    expect(await cloud.describeRouteTables(REGION, { vpcId: 'vpc-00000000000000000' })).toEqual([]);
    expect(
      await cloud.describeRouteTables(REGION, { routeTableIds: [hub.routeTable.routeTableId] }),
    ).toHaveLength(1);
  });

  it(
    'maps an unknown instance, or one in another ' +
      'region, to a NotFound that points at the inventory',
    async () => {
      const err = await cloudError(cloud.describeInstance('us-east-1', hub.router.instanceId));
      expect(err.awsCode).toBe('InvalidInstanceID.NotFound');
      expect(err.hint).toContain('routers.<name>.instanceId');
    },
  );

  it('picks the newest AMI with the tag, whatever order AWS returns', async () => {
    state.addImage({
      region: REGION,
      name: 'vyos-1.3-old',
      creationDate: '2024-01-01T00:00:00.000Z',
      tags: { Role: 'VyattaBase' },
    });
    // A newer image still being built (or failed) cannot launch: it is not a candidate.
    const building = state.addImage({
      region: REGION,
      name: 'vyos-1.5-building',
      creationDate: '2099-01-01T00:00:00.000Z',
      tags: { Role: 'VyattaBase' },
    });
    building.state = 'pending';
    const image = await cloud.newestImageTagged(REGION, 'Role', 'VyattaBase');
    expect(image?.name).toBe('vyos-1.4.3');
    expect(await cloud.newestImageTagged(REGION, 'Role', 'Nothing')).toBeUndefined();
  });

  it('launches once per client token and waits until the instance runs', async () => {
    const image = await cloud.newestImageTagged(REGION, 'Role', 'VyattaBase');
    const request = {
      imageId: image?.imageId ?? '',
      type: 'c5.xlarge',
      subnetId: hub.subnet.subnetId,
      clientToken: 'r-7k2m9q-launch',
      tags: { Name: 'hub-tokyo-a2' },
    };
    const launched = await cloud.launchInstance(REGION, request);
    expect(launched).toMatchObject({
      state: 'pending',
      type: 'c5.xlarge',
      clientToken: 'r-7k2m9q-launch',
      tags: { Name: 'hub-tokyo-a2' },
    });
    // A resumed step sends the same request again: AWS answers with the same instance.
    const again = await cloud.launchInstance(REGION, request);
    expect(again?.instanceId).toBe(launched?.instanceId);
    expect(state.inRegion(state.instances, REGION)).toHaveLength(2);
    expect((await cloud.findInstanceByClientToken(REGION, 'r-7k2m9q-launch'))?.instanceId).toBe(
      launched?.instanceId,
    );
    expect(await cloud.findInstanceByClientToken(REGION, 'r-other-launch')).toBeUndefined();
    const running = await cloud.waitUntilRunning(REGION, launched?.instanceId ?? '');
    expect(running.state).toBe('running');
    expect(running.sourceDestCheck).toBe(true);
    await cloud.disableSourceDestCheck(REGION, running.instanceId);
    expect((await cloud.describeInstance(REGION, running.instanceId)).sourceDestCheck).toBe(false);
    const mismatch = await cloudError(
      cloud.launchInstance(REGION, { ...request, type: 'c5.2xlarge' }),
    );
    expect(mismatch.awsCode).toBe('IdempotentParameterMismatch');
  });

  it('refuses a launch without a usable client token before calling AWS', async () => {
    const request = {
      imageId: hub.router.imageId,
      type: 'c5.large',
      subnetId: hub.subnet.subnetId,
      tags: {},
    };
    await expect(cloud.launchInstance(REGION, { ...request, clientToken: '' })).rejects.toThrow(
      /client token/,
    );
    await expect(
      cloud.launchInstance(REGION, { ...request, clientToken: 'x'.repeat(65) }),
    ).rejects.toThrow(/1 to 64/);
    expect(state.inRegion(state.instances, REGION)).toHaveLength(1);
  });

  // The SDK's waiter failed only on stopping/shutting-down/terminated: an instance that went
  // pending → stopped between two polls kept it waiting for maxWaitTime.
  it.each(['stopping', 'stopped'] as const)(
    "fails the wait at once, with EC2's reason, when the instance is %s instead of booting",
    async (to) => {
      const launched = await cloud.launchInstance(REGION, {
        imageId: hub.router.imageId,
        type: 'c5.large',
        subnetId: hub.subnet.subnetId,
        clientToken: `r-${to}-launch`,
        tags: {},
      });
      state.bootMs = 60_000;
      state.setInstanceState(launched?.instanceId ?? '', to);
      const err = await cloudError(cloud.waitUntilRunning(REGION, launched?.instanceId ?? ''));
      expect(err.awsCode).toBe('InstanceNotRunning');
      expect(err.message).toContain(`it is ${to} (Server.InternalError: Internal error on launch)`);
    },
  );

  it('never sends an empty instance id', async () => {
    for (const call of [
      cloud.waitUntilRunning(REGION, ''),
      cloud.describeInstance(REGION, ''),
      cloud.stopInstance(REGION, ''),
      cloud.disableSourceDestCheck(REGION, ''),
    ])
      expect((await cloudError(call)).awsCode).toBe('MissingInstanceId');
  });

  it('treats DryRunOperation as permission proven and changes nothing', async () => {
    const request = {
      imageId: hub.router.imageId,
      type: 'c5.large',
      subnetId: hub.subnet.subnetId,
      clientToken: 'r-dry-launch',
      tags: {},
      dryRun: true,
    };
    expect(await cloud.launchInstance(REGION, request)).toBeUndefined();
    expect(state.inRegion(state.instances, REGION)).toHaveLength(1);
    expect(await cloud.stopInstance(REGION, hub.router.instanceId, true)).toBeUndefined();
    expect(state.getInstance(hub.router.instanceId)?.state).toBe('running');
    await cloud.disableSourceDestCheck(REGION, hub.router.instanceId, true);
    expect(
      await cloud.associateAddress(REGION, {
        allocationId: hub.address.allocationId,
        networkInterfaceId: hub.router.networkInterfaceId,
        dryRun: true,
      }),
    ).toEqual({});
    expect(
      await cloud.replaceRoute(REGION, {
        routeTableId: hub.routeTable.routeTableId,
        destination: '10.9.0.0/16',
        networkInterfaceId: hub.router.networkInterfaceId,
        dryRun: true,
      }),
    ).toBe('replaced');
  });

  it(
    'names the missing permission and the IAM ' + 'policy when AWS answers UnauthorizedOperation',
    async () => {
      state.faults.inject({ action: 'RunInstances', code: 'UnauthorizedOperation' });
      const err = await cloudError(
        cloud.launchInstance(REGION, {
          imageId: hub.router.imageId,
          type: 'c5.large',
          subnetId: hub.subnet.subnetId,
          clientToken: 'r-dry2-launch',
          tags: {},
          dryRun: true,
        }),
      );
      expect(err.awsCode).toBe('UnauthorizedOperation');
      expect(err.message).toContain('ec2:RunInstances');
      expect(err.hint).toContain('iam-policy.json');
    },
  );

  it('rides out throttling: two RequestLimitExceeded answers, then success', async () => {
    state.faults.inject({ action: 'DescribeInstances', code: 'RequestLimitExceeded', times: 2 });
    const router = await cloud.describeInstance(REGION, hub.router.instanceId);
    expect(router.state).toBe('running');
    expect(state.faults.remaining).toBe(0);
  });

  it('reports lasting throttling and capacity shortages with what to do', async () => {
    const quick = newCloud({ maxAttempts: 1 });
    try {
      // Capacity first: after a throttle the adaptive client paces its next request.
      state.faults.inject({ action: 'RunInstances', code: 'InsufficientInstanceCapacity' });
      const capacity = await cloudError(
        quick.launchInstance(REGION, {
          imageId: hub.router.imageId,
          type: 'c5.4xlarge',
          subnetId: hub.subnet.subnetId,
          clientToken: 'r-cap-launch',
          tags: {},
        }),
      );
      expect(capacity.awsCode).toBe('InsufficientInstanceCapacity');
      expect(capacity.hint).toContain('--type');
      state.faults.inject({ action: 'DescribeAddresses', code: 'RequestLimitExceeded' });
      const throttled = await cloudError(quick.describeAddress(REGION, hub.address.allocationId));
      expect(throttled.awsCode).toBe('RequestLimitExceeded');
      expect(throttled.message).toContain('throttled');
    } finally {
      quick.close();
    }
  });

  it(
    "treats both of AWS's missing-route answers " + "as 'missing', and replaces an existing route",
    async () => {
      const standby = state.addInstance({
        region: REGION,
        type: 'c5.large',
        imageId: hub.router.imageId,
        subnetId: hub.subnet.subnetId,
        tags: { Name: 'hub-tokyo-b' },
      });
      const events: unknown[] = [];
      state.on('route-replaced', (e) => events.push(e));
      const req = {
        routeTableId: hub.routeTable.routeTableId,
        networkInterfaceId: standby.networkInterfaceId,
      };
      expect(await cloud.replaceRoute(REGION, { ...req, destination: '10.99.0.0/16' })).toBe(
        'missing',
      );
      state.missingRouteCode = 'InvalidRoute.NotFound';
      expect(await cloud.replaceRoute(REGION, { ...req, destination: '10.99.0.0/16' })).toBe(
        'missing',
      );
      expect(await cloud.replaceRoute(REGION, { ...req, destination: '10.9.0.0/16' })).toBe(
        'replaced',
      );
      expect(state.route(hub.routeTable.routeTableId, '10.9.0.0/16')).toMatchObject({
        networkInterfaceId: standby.networkInterfaceId,
        state: 'active',
      });
      expect(events).toEqual([
        expect.objectContaining({
          routeTableId: hub.routeTable.routeTableId,
          destination: '10.9.0.0/16',
          networkInterfaceId: standby.networkInterfaceId,
        }),
      ]);
      const err = await cloudError(
        cloud.replaceRoute(REGION, {
          ...req,
          routeTableId: 'rtb-00000000000000000',
          destination: '10.9.0.0/16',
        }),
      );
      expect(err.awsCode).toBe('InvalidRouteTableID.NotFound');
    },
  );

  it(
    "creates a route (never over someone else's), " + "deletes it, and answers AWS's errors",
    async () => {
      const table = hub.routeTable.routeTableId;
      const eni = hub.router.networkInterfaceId;
      const route = { routeTableId: table, destination: '10.250.0.0/24', networkInterfaceId: eni };
      const events: string[] = [];
      state.on('route-created', (e) => events.push(`created ${e.destination}`));
      state.on('route-deleted', (e) => events.push(`deleted ${e.destination}`));

      expect(await cloud.createRoute(REGION, { ...route, dryRun: true })).toBe('created');
      expect(state.route(table, '10.250.0.0/24')).toBeUndefined();
      expect(await cloud.createRoute(REGION, route)).toBe('created');
      expect(state.route(table, '10.250.0.0/24')).toMatchObject({
        networkInterfaceId: eni,
        state: 'active',
      });
      // The same destination to another target is someone else's route: RouteAlreadyExists.
      const standby = state.addInstance({
        region: REGION,
        type: 'c5.large',
        imageId: hub.router.imageId,
        subnetId: hub.subnet.subnetId,
        tags: { Name: 'hub-tokyo-b' },
      });
      expect(
        await cloud.createRoute(REGION, {
          ...route,
          networkInterfaceId: standby.networkInterfaceId,
        }),
      ).toBe('exists');
      expect(state.route(table, '10.250.0.0/24')?.networkInterfaceId).toBe(eni);

      expect(await cloud.deleteRoute(REGION, route)).toBe('deleted');
      expect(await cloud.deleteRoute(REGION, route)).toBe('missing');
      expect(events).toEqual(['created 10.250.0.0/24', 'deleted 10.250.0.0/24']);

      const local = state.routeTables.get(table)!.routes.find((r) => r.gatewayId === 'local')!;
      const refused = await cloudError(
        cloud.deleteRoute(REGION, { routeTableId: table, destination: local.destination }),
      );
      expect(refused.awsCode).toBe('InvalidParameterValue');
      expect(refused.message).toMatch(/cannot remove local route/);
      const gone = await cloudError(
        cloud.createRoute(REGION, { ...route, routeTableId: 'rtb-00000000000000000' }),
      );
      expect(gone.awsCode).toBe('InvalidRouteTableID.NotFound');
      const bad = await cloudError(
        cloud.createRoute(REGION, { ...route, destination: '10.250/24' }),
      );
      expect(bad.awsCode).toBe('InvalidParameterValue');
      state.faults.inject({ action: 'CreateRoute', code: 'UnauthorizedOperation' });
      const denied = await cloudError(cloud.createRoute(REGION, { ...route, dryRun: true }));
      expect(denied.forHumans).toContain('ec2:CreateRoute');
    },
  );

  it(
    'moves an extra interface to another instance ' +
      '(the route to it follows); never the primary',
    async () => {
      const other = state.addInstance({
        region: REGION,
        type: 'c5.large',
        imageId: hub.router.imageId,
        subnetId: hub.subnet.subnetId,
        tags: { Name: 'hub-tokyo-a2' },
      });
      const leg = {
        networkInterfaceId: 'eni-0a1b2c3d4e5f99999',
        region: REGION,
        subnetId: hub.subnet.subnetId,
        vpcId: hub.vpc.vpcId,
        privateIp: '10.0.1.99',
        instanceId: hub.router.instanceId,
        attachmentId: 'eni-attach-0a1b2c3d4e5f9999',
        deviceIndex: 1,
      };
      state.networkInterfaces.set(leg.networkInterfaceId, leg);
      const before = await cloud.describeInstance(REGION, hub.router.instanceId);
      expect(before.extraInterfaces).toEqual([
        {
          networkInterfaceId: leg.networkInterfaceId,
          attachmentId: leg.attachmentId,
          deviceIndex: 1,
        },
      ]);
      const move = { ...before.extraInterfaces![0]!, toInstanceId: other.instanceId };
      expect(await cloud.moveNetworkInterface(REGION, { ...move, dryRun: true })).toBeUndefined();
      expect(state.networkInterfaces.get(leg.networkInterfaceId)!.instanceId).toBe(
        hub.router.instanceId,
      );
      const attachment = await cloud.moveNetworkInterface(REGION, move);
      expect(attachment).toMatch(/^eni-attach-/);
      const after = await cloud.describeInstance(REGION, other.instanceId);
      expect(after.extraInterfaces).toEqual([
        { networkInterfaceId: leg.networkInterfaceId, attachmentId: attachment, deviceIndex: 1 },
      ]);
      expect((await cloud.describeInstance(REGION, hub.router.instanceId)).extraInterfaces).toEqual(
        [],
      );
      // The old attachment is gone; the primary interface cannot be detached.
      const stale = await cloudError(cloud.moveNetworkInterface(REGION, move));
      expect(stale.awsCode).toBe('InvalidAttachmentID.NotFound');
      const primary = await cloudError(
        cloud.moveNetworkInterface(REGION, {
          networkInterfaceId: hub.router.networkInterfaceId,
          attachmentId: `eni-attach-${hub.router.networkInterfaceId.slice(4)}`,
          toInstanceId: other.instanceId,
          deviceIndex: 1,
        }),
      );
      expect(primary.awsCode).toBe('OperationNotPermitted');
    },
  );

  it(
    'moves the Elastic IP to another interface ' + 'and emits the event the world follows',
    async () => {
      const standby = state.addInstance({
        region: REGION,
        type: 'c5.large',
        imageId: hub.router.imageId,
        subnetId: hub.subnet.subnetId,
        tags: { Name: 'hub-tokyo-b' },
      });
      const moved = new Promise((resolve) => state.once('address-associated', resolve));
      const { associationId } = await cloud.associateAddress(REGION, {
        allocationId: hub.address.allocationId,
        networkInterfaceId: standby.networkInterfaceId,
      });
      expect(associationId).toMatch(/^eipassoc-/);
      expect(await moved).toMatchObject({
        publicIp: hub.address.publicIp,
        networkInterfaceId: standby.networkInterfaceId,
        instanceId: standby.instanceId,
      });
      expect((await cloud.describeAddress(REGION, hub.address.allocationId)).instanceId).toBe(
        standby.instanceId,
      );
      expect((await cloud.describeInstance(REGION, standby.instanceId)).publicIp).toBe(
        hub.address.publicIp,
      );
    },
  );

  it('tags the router and its Elastic IP', async () => {
    await cloud.createTags(REGION, [hub.router.instanceId, hub.address.allocationId], {
      'flatnet:run': 'r-7k2m9q',
    });
    expect((await cloud.describeInstance(REGION, hub.router.instanceId)).tags['flatnet:run']).toBe(
      'r-7k2m9q',
    );
    expect((await cloud.describeAddress(REGION, hub.address.allocationId)).tags).toMatchObject({
      'flatnet:run': 'r-7k2m9q',
      Name: 'hub-tokyo-a-eip',
    });
  });

  it(
    'lists the routes a VGW propagates next to the ' +
      'static ones, and every interface of a router',
    async () => {
      const vgw = state.addVpnGateway({ region: REGION, vpcId: hub.vpc.vpcId });
      state.setVgwRoutesProvider((id) =>
        id === vgw.vpnGatewayId ? ['10.9.0.0/16', '10.250.0.0/24'] : [],
      );
      const table = hub.routeTable.routeTableId;
      const read = async () =>
        (await cloud.describeRouteTables(REGION, { routeTableIds: [table] }))[0]!;
      expect((await read()).routes.some((r) => r.propagated)).toBe(false);
      await cloud.setVgwRoutePropagation(REGION, {
        routeTableId: table,
        vpnGatewayId: vgw.vpnGatewayId,
        enabled: true,
      });
      const routes = (await read()).routes;
      // 10.9.0.0/16 is a static route of the table: the static one wins and is the only one listed.
      expect(routes.filter((r) => r.destination === '10.9.0.0/16')).toEqual([
        expect.objectContaining({ networkInterfaceId: hub.router.networkInterfaceId }),
      ]);
      expect(routes.find((r) => r.destination === '10.250.0.0/24')).toEqual({
        destination: '10.250.0.0/24',
        gatewayId: vgw.vpnGatewayId,
        state: 'active',
        propagated: true,
      });
      state.networkInterfaces.set('eni-0a1b2c3d4e5f99999', {
        networkInterfaceId: 'eni-0a1b2c3d4e5f99999',
        region: REGION,
        subnetId: hub.subnet.subnetId,
        vpcId: hub.vpc.vpcId,
        privateIp: '10.0.1.99',
        instanceId: hub.router.instanceId,
      });
      const router = await cloud.describeInstance(REGION, hub.router.instanceId);
      expect(router.interfaces).toEqual([
        expect.objectContaining({
          networkInterfaceId: hub.router.networkInterfaceId,
          deviceIndex: 0,
        }),
        expect.objectContaining({
          networkInterfaceId: 'eni-0a1b2c3d4e5f99999',
          deviceIndex: 1,
          privateIp: '10.0.1.99',
        }),
      ]);
    },
  );

  it('stops (never terminates) a router, after which its routes are blackholes', async () => {
    const stopped = new Promise<void>((resolve) =>
      state.on('instance-state', (e) => e.to === 'stopped' && resolve()),
    );
    expect(await cloud.stopInstance(REGION, hub.router.instanceId)).toBe('stopping');
    await stopped;
    const [table] = await cloud.describeRouteTables(REGION, {
      routeTableIds: [hub.routeTable.routeTableId],
    });
    expect(table?.routes.find((r) => r.destination === '10.9.0.0/16')?.state).toBe('blackhole');
  });

  it("reads a VPC's ranges (primary first) and names an unknown VPC id", async () => {
    const vpc = state.addVpc({
      region: REGION,
      cidrBlock: '10.31.0.0/16',
      secondaryCidrBlocks: ['100.64.8.0/22'],
      tags: { Name: 'payments' },
    });
    expect(await cloud.describeVpcs(REGION, [vpc.vpcId])).toEqual([
      { id: vpc.vpcId, cidrs: ['10.31.0.0/16', '100.64.8.0/22'], tags: { Name: 'payments' } },
    ]);
    // No ids: no call at all (DescribeVpcs without ids would answer every VPC of the region).
    expect(await cloud.describeVpcs(REGION, [])).toEqual([]);
    const e = await cloudError(cloud.describeVpcs(REGION, ['vpc-0123456789abcdef0']));
    expect(e.awsCode).toBe('InvalidVpcID.NotFound');
    expect(e.forHumans).toContain("The vpc ID 'vpc-0123456789abcdef0' does not exist");
    expect(e.forHumans).toContain(`aws ec2 describe-vpcs --region ${REGION}`);
  });

  it('creates a customer gateway idempotently and a VPN connection with two tunnels', async () => {
    const vpc = state.addVpc({ region: REGION, cidrBlock: '10.30.0.0/16' });
    state.addVpnGateway({ region: REGION, vpcId: vpc.vpcId });
    state.addVpnGateway({ region: REGION });
    const [vgw, ...others] = await cloud.describeVpnGateways(REGION, { vpcId: vpc.vpcId });
    expect(others).toEqual([]);
    expect(vgw).toMatchObject({ vpcIds: [vpc.vpcId], amazonSideAsn: 64512, state: 'available' });
    const a = await cloud.createCustomerGateway(REGION, {
      publicIp: hub.address.publicIp,
      bgpAsn: 65000,
      name: 'hub-tokyo',
    });
    const b = await cloud.createCustomerGateway(REGION, {
      publicIp: hub.address.publicIp,
      bgpAsn: 65000,
      name: 'hub-tokyo',
    });
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({
      ipAddress: hub.address.publicIp,
      bgpAsn: 65000,
      tags: { Name: 'hub-tokyo' },
    });
    const conn = await cloud.createVpnConnection(REGION, {
      customerGatewayId: a.id,
      vpnGatewayId: vgw?.id ?? '',
      staticRoutesOnly: false,
      tunnelInsideCidrs: ['169.254.10.0/30', '169.254.10.4/30'],
      name: 'vpc-30',
    });
    expect(conn).toMatchObject({
      state: 'available',
      staticRoutesOnly: false,
      tags: { Name: 'vpc-30' },
    });
    expect(conn.tunnels).toHaveLength(2);
    expect(conn.customerGatewayConfiguration).toContain('<ip_address>169.254.10.2</ip_address>');
    expect(conn.customerGatewayConfiguration).toContain('<ip_address>169.254.10.6</ip_address>');
    const asn = await cloudError(
      cloud
        .createCustomerGateway(REGION, { publicIp: '203.0.113.77', bgpAsn: 64512, name: 'x' })
        .then((c) =>
          cloud.createVpnConnection(REGION, {
            customerGatewayId: c.id,
            vpnGatewayId: vgw?.id ?? '',
            staticRoutesOnly: false,
          }),
        ),
    );
    expect(asn.awsCode).toBe('AsnConflict');
  });

  it(
    'dry-runs the customer gateway and the VPN connection: DryRunOperation ' +
      'resolves, nothing is created, a missing permission throws',
    async () => {
      const vgw = state.addVpnGateway({ region: REGION });
      const cgwRequest = {
        publicIp: hub.address.publicIp,
        bgpAsn: 65000,
        name: 'hub-tokyo',
        dryRun: true,
      } as const;
      expect(await cloud.createCustomerGateway(REGION, cgwRequest)).toBeUndefined();
      expect(state.customerGateways.size).toBe(0);
      // The VPN connection's DryRun needs a gateway that exists (AWS checks it before answering).
      const cgw = state.addCustomerGateway({ region: REGION, ipAddress: hub.address.publicIp });
      const vpnRequest = {
        customerGatewayId: cgw.customerGatewayId,
        vpnGatewayId: vgw.vpnGatewayId,
        staticRoutesOnly: false,
        dryRun: true,
      } as const;
      expect(await cloud.createVpnConnection(REGION, vpnRequest)).toBeUndefined();
      expect(state.vpnConnections.size).toBe(0);
      state.faults.inject({ action: 'CreateCustomerGateway', code: 'UnauthorizedOperation' });
      const denied = await cloudError(cloud.createCustomerGateway(REGION, cgwRequest));
      expect(denied.awsCode).toBe('UnauthorizedOperation');
      expect(denied.message).toContain('ec2:CreateCustomerGateway');
      state.faults.inject({ action: 'CreateVpnConnection', code: 'UnauthorizedOperation' });
      expect((await cloudError(cloud.createVpnConnection(REGION, vpnRequest))).message).toContain(
        'ec2:CreateVpnConnection',
      );
      expect({ cgw: state.customerGateways.size, vpn: state.vpnConnections.size }).toEqual({
        cgw: 1,
        vpn: 0,
      });
    },
  );

  it('reads tunnel telemetry that follows the status hook', async () => {
    const vgw = state.addVpnGateway({ region: REGION });
    const cgw = state.addCustomerGateway({ region: REGION, ipAddress: hub.address.publicIp });
    const conn = state.addVpnConnection({
      region: REGION,
      customerGatewayId: cgw.customerGatewayId,
      vpnGatewayId: vgw.vpnGatewayId,
    });
    let up = false;
    state.setTunnelStatusProvider((c) =>
      up && c.vpnConnectionId === conn.vpnConnectionId
        ? { status: 'UP', acceptedRouteCount: 3 }
        : 'DOWN',
    );
    const [before] = await cloud.describeVpnConnections(REGION);
    expect(before?.tunnels.map((t) => t.status)).toEqual(['DOWN', 'DOWN']);
    up = true;
    const [after] = await cloud.describeVpnConnections(REGION);
    expect(after?.tunnels.map((t) => [t.status, t.statusMessage, t.acceptedRouteCount])).toEqual([
      ['UP', '3 BGP ROUTES', 3],
      ['UP', '3 BGP ROUTES', 3],
    ]);
    expect(after?.tunnels[0]?.outsideIp).toBe(conn.tunnels[0]?.outsideIp);
  });

  it(
    'takes the endpoint from AWS_ENDPOINT_URL_EC2, ' + 'and names it when nothing answers there',
    async () => {
      const fromEnv = createCloud({ credentials, env: { AWS_ENDPOINT_URL_EC2: emu.url } });
      try {
        expect((await fromEnv.describeInstance(REGION, hub.router.instanceId)).state).toBe(
          'running',
        );
      } finally {
        fromEnv.close();
      }
      const closedPort = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as { port: number };
          s.close(() => resolve(port));
        });
      });
      const dead = createCloud({
        endpoint: `http://127.0.0.1:${closedPort}`,
        credentials,
        maxAttempts: 1,
        env: {},
      });
      try {
        const err = await cloudError(dead.describeInstance(REGION, hub.router.instanceId));
        expect(err.awsCode).toBe('EndpointUnreachable');
        expect(err.message).toContain(`http://127.0.0.1:${closedPort}`);
        expect(err.message).toContain('ECONNREFUSED');
      } finally {
        dead.close();
      }
    },
  );
});
