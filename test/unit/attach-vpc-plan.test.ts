/**
 * attach-vpc without a network: the planner's refusals, the plan step's reading of AWS and the
 * hub (through a fake cloud and a hub configuration given as text), and the naming and VTI
 * choices for the new tunnels.
 */
import { describe, expect, it } from 'vitest';
import type { ElasticIp, VpnConnection, VpnGateway } from '../../src/aws/types.js';
import type { AttachCloud } from '../../src/attach-vpc/attach-deps.js';
import { attachVpcPlanner } from '../../src/attach-vpc/attach-vpc-planner.js';
import { allUp, describeSighting } from '../../src/attach-vpc/await-tunnels.js';
import {
  chooseTunnelBaseName,
  chooseVtiNumbers,
  tunnelSlug,
} from '../../src/attach-vpc/choose-tunnel-names.js';
import { removalLines } from '../../src/attach-vpc/configure-hub.js';
import { readHubTunnels } from '../../src/attach-vpc/read-hub-tunnels.js';
import { resolveAttachment } from '../../src/attach-vpc/resolve-attachment.js';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { CloudError, FlatnetError } from '../../src/errors.js';
import type { PlannedRun } from '../../src/runbook/run-request.js';
import { renderCustomerGatewayConfig } from '../../src/sim/ec2/render-customer-gateway-config.js';
import { assertPeerName, renderConfigLine } from '../../src/vyos/config-line.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const REGION = 'ap-northeast-1';
const VPC = 'vpc-0a1b2c3d4e5f60701';
const VGW = 'vgw-0a1b2c3d4e5f00002';
const HUB_IP = '203.0.113.10';
const HUB_INSTANCE = 'i-0a1b2c3d4e5f00001';

function inventory(): Inventory {
  return theReferenceFleet().withVpc(REGION, 'analytics', '10.70.0.0/16', { id: VPC }).build();
}

/** What the planner returns for `/vpn attach-vpc ID --region R`, or the error it throws. */
function plan(id: string, region = REGION, requester = 'U0ALICE', inv = inventory()): PlannedRun {
  // The attach-vpc planner answers at once: it never needs AWS.
  return <PlannedRun>(
    attachVpcPlanner.plan(
      { kind: 'attach-vpc', id, region, dryRun: false },
      { inventory: inv, requester },
    )
  );
}

function refusal(run: () => unknown): FlatnetError {
  try {
    run();
  } catch (err) {
    if (err instanceof FlatnetError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function asyncRefusal(run: () => Promise<unknown>): Promise<FlatnetError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof FlatnetError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/**
 * The generated configuration of a VPN connection from the hub's address, as AWS (the emulator)
 * writes it.
 */
function generatedConfig(
  id: string,
  outside: [string, string],
  options: { cgwIp?: string; cgwAsn?: number; staticOnly?: boolean } = {},
): string {
  const tunnel = (outsideIp: string, insideCidr: string) => ({
    outsideIp,
    insideCidr,
    preSharedKey: 'secret.key.12345',
    lastStatus: 'DOWN' as const,
    lastStatusChange: new Date(0),
    acceptedRouteCount: 0,
  });
  return renderCustomerGatewayConfig(
    {
      vpnConnectionId: id,
      region: REGION,
      customerGatewayId: 'cgw-0a1b2c3d',
      vpnGatewayId: VGW,
      staticRoutesOnly: options.staticOnly ?? false,
      state: 'available',
      tunnels: [tunnel(outside[0], '169.254.10.0/30'), tunnel(outside[1], '169.254.10.4/30')],
      staticRoutes: [],
      tags: {},
    },
    {
      customerGatewayId: 'cgw-0a1b2c3d',
      region: REGION,
      ipAddress: options.cgwIp ?? HUB_IP,
      bgpAsn: options.cgwAsn ?? 65000,
      tags: {},
    },
    { vpnGatewayId: VGW, region: REGION, amazonSideAsn: 64512, vpcId: VPC, tags: {} },
  );
}

function connection(
  id: string,
  outside: [string, string],
  options: Parameters<typeof generatedConfig>[2] & { state?: string } = {},
): VpnConnection {
  return {
    id,
    state: options.state ?? 'available',
    vpnGatewayId: VGW,
    customerGatewayId: 'cgw-0a1b2c3d',
    staticRoutesOnly: options.staticOnly ?? false,
    customerGatewayConfiguration: generatedConfig(id, outside, options),
    tunnels: [],
    tags: {},
  };
}

interface FakeWorld {
  vgws?: VpnGateway[];
  connections?: VpnConnection[];
  address?: Partial<ElasticIp>;
  hubConfig?: string[];
}

function fakeCloud(world: FakeWorld): AttachCloud {
  const vgws = world.vgws ?? [
    { id: VGW, state: 'available', amazonSideAsn: 64512, vpcIds: [VPC], tags: {} },
  ];
  const refuse = () => Promise.reject(new Error('the plan step must not change AWS'));
  return {
    describeAddress: (region, allocationId) =>
      Promise.resolve({
        allocationId,
        region,
        publicIp: HUB_IP,
        instanceId: HUB_INSTANCE,
        privateIp: '10.0.1.10',
        tags: {},
        ...world.address,
      }),
    describeInstance: () =>
      Promise.reject(new Error('not needed when the address names the private IP')),
    describeVpnGateways: (_region, filter) =>
      Promise.resolve(filter?.vpcId ? vgws.filter((g) => g.vpcIds.includes(filter.vpcId!)) : vgws),
    describeVpnConnections: () => Promise.resolve(world.connections ?? []),
    // EC2 knows the VPC of the VGW (with a secondary range) and nothing else.
    describeVpcs: async (_region, ids) =>
      ids.map((id) => {
        if (id !== VPC)
          throw new CloudError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
        return { id, cidrs: ['10.77.0.0/16', '100.64.4.0/22'], tags: {} };
      }),
    createCustomerGateway: refuse,
    createVpnConnection: refuse,
    describeRouteTables: () => Promise.resolve([]),
    setVgwRoutePropagation: refuse,
    createRoute: refuse,
    deleteRoute: refuse,
  };
}

const HUB_BASE = [
  "set interfaces vti vti1 address '169.254.1.1/30'",
  "set interfaces vti vti200 address '169.254.200.2/30'",
  "set interfaces vti vti201 address '169.254.200.6/30'",
  "set vpn ipsec site-to-site peer aws-shared-services-1 remote-address '52.0.0.1'",
  "set vpn ipsec site-to-site peer aws-shared-services-1 vti bind 'vti200'",
  "set protocols bgp system-as '65000'",
];

function resolve(id: string, world: FakeWorld = {}, inv = inventory()) {
  return resolveAttachment(
    { id, region: REGION },
    {
      inventory: inv,
      cloud: fakeCloud(world),
      readHubConfig: () =>
        Promise.resolve(parseConfigCommands((world.hubConfig ?? HUB_BASE).join('\n'))),
    },
  );
}

describe('attach-vpc planner', () => {
  it(
    'turns the command into a run on the id, with the ' +
      'region as a parameter and approval from the policy',
    () => {
      const planned = plan(VPC);
      expect(planned).toMatchObject({
        kind: 'attach-vpc',
        target: VPC,
        params: { region: REGION },
        dryRun: false,
      });
      expect(planned.approval?.approvers.sort()).toEqual(['U0BOB', 'U0CAROL']);
    },
  );

  it('refuses a region the inventory does not have, naming the ones it has', () => {
    const err = refusal(() => plan(VPC, 'eu-central-1'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe('eu-central-1 is not a region of this inventory');
    expect(err.hint).toContain('ap-northeast-1, ap-southeast-1');
  });

  it('refuses an id that is neither a VPC nor a VGW', () => {
    expect(refusal(() => plan('subnet-0a1b2c3d')).hint).toContain('vpc-0abc12345');
    expect(refusal(() => plan('vpc-0a1b; reboot')).code).toBe('BAD_INPUT');
  });

  it('refuses when the inventory has no hub with an Elastic IP', () => {
    const inv = inventory();
    delete inv.routers['hub-tokyo-a']!.elasticIp;
    expect(refusal(() => plan(VPC, REGION, 'U0ALICE', inv)).message).toContain(
      'no hub router with an Elastic IP',
    );
  });

  it('refuses without a policy for attach-vpc in the inventory', () => {
    const inv = inventory();
    delete inv.policies['attach-vpc'];
    const err = refusal(() => plan(VPC, REGION, 'U0ALICE', inv));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.hint).toContain('policies.attach-vpc');
  });
});

describe('attach-vpc plan step (resolveAttachment)', () => {
  it(
    'resolves a VPC to its VGW, names it from the ' +
      'inventory, and finds the hub by its Elastic IP',
    async () => {
      const p = await resolve(VPC);
      expect(p).toMatchObject({
        vpcId: VPC,
        vpcName: 'analytics',
        vpcCidr: '10.70.0.0/16',
        vgwId: VGW,
        vgwAsn: 64512,
        hub: 'hub-tokyo-a',
        hubPublicIp: HUB_IP,
        hubPrivateIp: '10.0.1.10',
        hubAsn: 65000,
      });
      expect(p).toMatchObject({ existing: null, alreadyAttached: false, hubPeers: [] });
    },
  );

  it('reads the ranges of a VPC the inventory does not list from EC2 (VPC or VGW id)', async () => {
    const inv = inventory();
    inv.regions[REGION]!.vpcs = inv.regions[REGION]!.vpcs.filter((v) => v.id !== VPC);
    for (const id of [VPC, VGW])
      expect(await resolve(id, {}, inv)).toMatchObject({
        vpcId: VPC,
        vpcName: VPC,
        vpcCidr: '10.77.0.0/16',
        vpcCidrs: ['10.77.0.0/16', '100.64.4.0/22'],
        vpcListed: false,
      });
    // A listed VPC keeps the inventory's range: EC2 is not asked.
    expect(await resolve(VPC)).toMatchObject({ vpcCidrs: ['10.70.0.0/16'], vpcListed: true });
  });

  it('refuses a VPC id EC2 does not know, naming the fix (not "no gateway")', async () => {
    const err = await asyncRefusal(() => resolve('vpc-0123456789abcdef0'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe(`there is no VPC vpc-0123456789abcdef0 in ${REGION}`);
    expect(err.hint).toContain(`aws ec2 describe-vpcs --region ${REGION}`);
  });

  it('takes a VGW id as well, and the VPC from its attachment', async () => {
    expect(await resolve(VGW)).toMatchObject({ vpcId: VPC, vgwId: VGW, vpcName: 'analytics' });
  });

  it('refuses a VPC without a VGW, saying to create and attach one first', async () => {
    const err = await asyncRefusal(() => resolve(VPC, { vgws: [] }));
    expect(err.message).toBe(
      `${VPC} in ${REGION} has no Virtual Private ` +
        'Gateway, so AWS has nothing to terminate a VPN on',
    );
    expect(err.hint).toMatch(
      /^create and attach a Virtual Private Gateway first: aws ec2 create-vpn-gateway/,
    );
    expect(err.hint).toContain(`--vpc-id ${VPC}`);
  });

  it('refuses an unknown VGW id and a VGW attached to no VPC', async () => {
    expect((await asyncRefusal(() => resolve('vgw-0ffff0000', {}))).message).toContain(
      'there is no Virtual Private Gateway vgw-0ffff0000',
    );
    const detached = {
      vgws: [{ id: VGW, state: 'available', amazonSideAsn: 64512, vpcIds: [], tags: {} }],
    };
    expect((await asyncRefusal(() => resolve(VGW, detached))).hint).toContain(
      'aws ec2 attach-vpn-gateway',
    );
  });

  it('refuses an ASN equal to the VGW’s, explaining AsnConflict and the two fixes', async () => {
    const err = await asyncRefusal(() =>
      resolve(VPC, {
        vgws: [{ id: VGW, state: 'available', amazonSideAsn: 65000, vpcIds: [VPC], tags: {} }],
      }),
    );
    expect(err.message).toContain("the hub's BGP ASN 65000 is the same as");
    expect(err.message).toContain('AsnConflict');
    expect(err.hint).toContain('--amazon-side-asn');
  });

  it('judges the ASN by what the hub runs, not only the inventory', async () => {
    const hubConfig = [
      ...HUB_BASE.filter((l) => !l.includes('system-as')),
      "set protocols bgp system-as '64512'",
    ];
    expect((await asyncRefusal(() => resolve(VPC, { hubConfig }))).message).toContain('ASN 64512');
  });

  it(
    'says "already attached" when the hub has tunnels ' +
      'to both outside addresses of the hub’s connection',
    async () => {
      const hubConfig = [
        ...HUB_BASE,
        "set vpn ipsec site-to-site peer old-a remote-address '52.1.1.1'",
        "set vpn ipsec site-to-site peer old-b remote-address '52.1.1.2'",
      ];
      const p = await resolve(VPC, {
        hubConfig,
        connections: [connection('vpn-0aa', ['52.1.1.1', '52.1.1.2'])],
      });
      expect(p).toMatchObject({
        alreadyAttached: true,
        hubPeers: ['old-a', 'old-b'],
        existing: { vpnConnectionId: 'vpn-0aa', customerGatewayId: 'cgw-0a1b2c3d' },
      });
    },
  );

  it(
    'reuses a connection the hub has no tunnels for ' +
      'yet, and ignores other customers’ and deleted ones',
    async () => {
      const connections = [
        connection('vpn-0bb', ['52.2.2.1', '52.2.2.2'], { cgwIp: '198.51.100.99' }),
        connection('vpn-0cc', ['52.3.3.1', '52.3.3.2'], { state: 'deleted' }),
        connection('vpn-0dd', ['52.4.4.1', '52.4.4.2']),
      ];
      const p = await resolve(VPC, { connections });
      expect(p).toMatchObject({ alreadyAttached: false, existing: { vpnConnectionId: 'vpn-0dd' } });
    },
  );

  it('refuses a half-configured attachment (one of two tunnels on the hub)', async () => {
    const hubConfig = [
      ...HUB_BASE,
      "set vpn ipsec site-to-site peer lonely remote-address '52.1.1.2'",
    ];
    const err = await asyncRefusal(() =>
      resolve(VPC, { hubConfig, connections: [connection('vpn-0aa', ['52.1.1.1', '52.1.1.2'])] }),
    );
    expect(err.message).toContain('to only one of the two outside addresses of vpn-0aa');
    expect(err.hint).toContain('delete vpn ipsec site-to-site peer lonely');
  });

  it(
    'refuses to reuse a connection whose customer gateway ' +
      'has another ASN (it would move the hub’s system-as)',
    async () => {
      const err = await asyncRefusal(() =>
        resolve(VPC, {
          connections: [connection('vpn-0ee', ['52.5.5.1', '52.5.5.2'], { cgwAsn: 65100 })],
        }),
      );
      expect(err.message).toContain('customer gateway ASN 65100');
      expect(err.hint).toContain('aws ec2 delete-vpn-connection');
    },
  );

  it(
    'follows the Elastic IP: after a failover ' + 'the standby is the hub that gets the tunnels',
    async () => {
      const p = await resolve(VPC, {
        address: { instanceId: 'i-0a1b2c3d4e5f00002', privateIp: '10.0.1.11' },
      });
      expect(p).toMatchObject({ hub: 'hub-tokyo-b', hubPrivateIp: '10.0.1.11' });
    },
  );

  it(
    'refuses when the Elastic IP is unassociated or ' +
      'held by an instance the inventory does not know',
    async () => {
      expect(
        (await asyncRefusal(() => resolve(VPC, { address: { instanceId: undefined } }))).message,
      ).toContain('is not associated with any instance');
      expect(
        (await asyncRefusal(() => resolve(VPC, { address: { instanceId: 'i-0fff0000aaaa' } })))
          .hint,
      ).toContain('routers.<hub>.instanceId');
    },
  );
});

describe('tunnel names and VTI numbers on the hub', () => {
  it('takes the two lowest free VTIs from vti200 up', () => {
    expect(chooseVtiNumbers(new Set([1, 2, 3, 4, 5, 200, 201]))).toEqual([202, 203]);
    expect(chooseVtiNumbers(new Set([200, 202]))).toEqual([201, 203]);
    expect(chooseVtiNumbers(new Set())).toEqual([200, 201]);
  });

  it('names the peers after the VPC, and avoids names the hub already uses', () => {
    expect(chooseTunnelBaseName('analytics', new Set(['aws-shared-services-1']))).toBe(
      'aws-analytics',
    );
    expect(chooseTunnelBaseName('analytics', new Set(['aws-analytics-tun2']))).toBe(
      'aws-analytics-2',
    );
    expect(
      chooseTunnelBaseName('analytics', new Set(['aws-analytics-tun1', 'aws-analytics-2-tun1'])),
    ).toBe('aws-analytics-3');
  });

  it('turns any VPC name into a valid peer name of at most 32 characters', () => {
    for (const name of ['Data Lake (prod)', 'x'.repeat(80), '$(reboot);', 'ünïcode', '---']) {
      const base = chooseTunnelBaseName(name, new Set());
      expect(() => assertPeerName(`${base}-tun2`)).not.toThrow();
    }
    expect(tunnelSlug('Data Lake (prod)')).toBe('data-lake-prod');
    expect(tunnelSlug('$(reboot);')).toBe('reboot');
  });

  it('reads peers, VTIs, neighbours and the system AS from the hub configuration', () => {
    const hub = readHubTunnels(
      parseConfigCommands(
        [...HUB_BASE, "set protocols bgp neighbor 169.254.1.2 remote-as '65001'"].join('\n'),
      ),
    );
    expect([...hub.vtiNumbers].sort((a, b) => a - b)).toEqual([1, 200, 201]);
    expect(hub.peers.get('aws-shared-services-1')).toEqual({
      name: 'aws-shared-services-1',
      remoteAddress: '52.0.0.1',
      vti: 'vti200',
    });
    expect([...hub.neighbors]).toEqual(['169.254.1.2']);
    expect(hub.systemAs).toBe(65000);
  });

  it('undo removes the peers, their groups, VTIs and BGP neighbours, and nothing shared', () => {
    const lines = removalLines(
      {
        skipped: false,
        added: true,
        lines: 60,
        staticRoutesOnly: false,
        staticPrefixes: [],
        peers: [
          {
            name: 'aws-analytics-tun1',
            vti: 202,
            remoteAddress: '52.1.1.1',
            neighbor: '169.254.10.1',
          },
          {
            name: 'aws-analytics-tun2',
            vti: 203,
            remoteAddress: '52.1.1.2',
            neighbor: '169.254.10.5',
          },
        ],
      },
      [],
    ).map(renderConfigLine);
    expect(lines).toContain('delete vpn ipsec site-to-site peer aws-analytics-tun1');
    expect(lines).toContain('delete vpn ipsec authentication psk aws-analytics-tun2');
    expect(lines).toContain('delete vpn ipsec ike-group IKE-aws-analytics-tun1');
    expect(lines).toContain('delete interfaces vti vti203');
    expect(lines).toContain('delete protocols bgp neighbor 169.254.10.5');
    expect(lines.some((l) => l.includes('system-as') || l === 'delete protocols bgp')).toBe(false);
  });
});

describe('waiting for the tunnels', () => {
  it(
    'is done only when both tunnels are UP and both ' +
      'neighbours Established, and says what it saw',
    () => {
      const seen = {
        tunnels: [
          { outsideIp: '52.1.1.1', status: 'UP', message: '2 BGP ROUTES' },
          { outsideIp: '52.1.1.2', status: 'DOWN', message: '' },
        ],
        bgp: [
          { address: '169.254.10.1', state: 'Established' },
          { address: '169.254.10.5', state: 'Active' },
        ],
      };
      expect(allUp(seen)).toBe(false);
      expect(describeSighting(seen)).toBe(
        'tunnels 1/2 UP [52.1.1.1 UP (2 BGP ROUTES), 52.1.1.2 DOWN], BGP ' +
          '1/2 Established [169.254.10.1 Established, 169.254.10.5 Active]',
      );
      const up = {
        tunnels: seen.tunnels.map((t) => ({ ...t, status: 'UP' })),
        bgp: seen.bgp.map((b) => ({ ...b, state: 'Established' })),
      };
      expect(allUp(up)).toBe(true);
      expect(allUp({ tunnels: [], bgp: [] })).toBe(false);
    },
  );
});
