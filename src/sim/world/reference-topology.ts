/**
 * DESIGN.md section 1 as data: the Tokyo hub with its warm standby, five spokes (plus
 * `extraSpokes` more for the scale benchmark), the office, WireGuard operators, one VPC
 * attached through a VGW and one waiting to be attached. Names and addresses match
 * `examples/flatnet.yml`.
 */
import { generatePreSharedKey, generateWireguardKeyPair } from './generate-secrets.js';
import {
  addressInVpc,
  EXTRA_SPOKES_BLOCK,
  extraSpokeAddresses,
  MAX_EXTRA_SPOKES,
  referenceSpokeAddresses,
} from './spoke-address-plan.js';
import type { TopoRouter, TopoSubnet, TopoVpc, Topology } from './topology-types.js';

export const HUB_REGION = 'ap-northeast-1';
export const HUB_ASN = 65000;
export const HUB_PUBLIC_IP = '203.0.113.10';
export const VGW_ASN = 64512;
/**
 * The flat network as the spokes route it: everything private lives under 10/8, plus the office.
 */
export const FLAT_NETWORK = ['10.0.0.0/8', '192.168.0.0/16'];
const OFFICE_CIDR = '192.168.0.0/16';
const HUB_LADDER = ['t3.medium', 'c5.large', 'c5.xlarge', 'c5.2xlarge'];
const SPOKE_LADDER = ['t3.small', 't3.medium', 'c5.large'];
const SPOKE_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'];
const REFERENCE_SPOKES = [
  { name: 'spoke-virginia', octet: 10 },
  { name: 'spoke-oregon', octet: 20 },
  { name: 'spoke-ireland', octet: 30 },
  { name: 'spoke-singapore', octet: 40 },
  { name: 'spoke-saopaulo', octet: 50 },
];

/** Ids in today's long format, like the example inventory's `…-0a1b2c3d4e5f00001`. */
function id(prefix: string, n: number): string {
  return `${prefix}-0a1b2c3d4e5f${String(n).padStart(5, '0')}`;
}

export interface TopologyOptions {
  extraSpokes?: number;
  /** The bot's SSH public key line, authorized on every router and in the base AMI. */
  botPublicKey: string;
}

export function buildReferenceTopology(options: TopologyOptions): Topology {
  const extra = options.extraSpokes ?? 0;
  if (!Number.isInteger(extra) || extra < 0 || extra > MAX_EXTRA_SPOKES) {
    throw new RangeError(
      `extraSpokes must be an integer from 0 to ${MAX_EXTRA_SPOKES} ` +
        `(got ${extra}): the address plan has no room for more`,
    );
  }
  const isExtra = (router: string) => router.startsWith('spoke-extra-');
  let subnetCount = 0;
  let tableCount = 0;
  const vpcs: TopoVpc[] = [];
  const addVpc = (v: Omit<TopoVpc, 'subnets' | 'routeTableId'>): TopoVpc => {
    // The VPC's first three /24s (a /16 and a /20 alike): x.y.1.0/24 is where its router sits.
    const subnets: TopoSubnet[] = (['public', 'private', 'secure'] as const).map((name, i) => ({
      id: id('subnet', (subnetCount += 1)),
      name,
      cidr: `${addressInVpc(v.cidr, (i + 1) * 256)}/24`,
    }));
    const vpc: TopoVpc = { ...v, subnets, routeTableId: id('rtb', (tableCount += 1)) };
    vpcs.push(vpc);
    return vpc;
  };

  const hubVpc = addVpc({
    id: id('vpc', 60001),
    name: 'hub',
    region: HUB_REGION,
    cidr: '10.0.0.0/16',
    routes: [],
    reach: { kind: 'hub' },
  });
  const routers: TopoRouter[] = [
    {
      name: 'hub-tokyo-a',
      region: HUB_REGION,
      role: 'hub',
      vpcId: hubVpc.id,
      subnetId: hubVpc.subnets[0]!.id,
      privateIp: '10.0.1.10',
      type: 'c5.large',
      ladder: HUB_LADDER,
      asn: HUB_ASN,
      elasticIp: { allocationId: id('eipalloc', 1), publicIp: HUB_PUBLIC_IP },
      standby: 'hub-tokyo-b',
      networks: ['10.0.0.0/16'],
    },
    {
      name: 'hub-tokyo-b',
      region: HUB_REGION,
      role: 'standby',
      vpcId: hubVpc.id,
      subnetId: hubVpc.subnets[0]!.id,
      privateIp: '10.0.1.11',
      type: 'c5.large',
      ladder: HUB_LADDER,
      asn: HUB_ASN,
      networks: ['10.0.0.0/16'],
    },
  ];

  const spokes = [
    ...REFERENCE_SPOKES.map((s, i) => ({
      name: s.name,
      region: SPOKE_REGIONS[i]!,
      index: i + 1,
      plan: referenceSpokeAddresses(s.octet, i + 1),
    })),
    ...Array.from({ length: extra }, (_, k) => ({
      name: `spoke-extra-${String(k + 1).padStart(2, '0')}`,
      region: SPOKE_REGIONS[k % SPOKE_REGIONS.length]!,
      index: REFERENCE_SPOKES.length + k + 1,
      plan: extraSpokeAddresses(k + 1, REFERENCE_SPOKES.length + k + 1),
    })),
  ];
  const spokePsks: Record<string, string> = {};
  for (const s of spokes) {
    const reference = s.index <= REFERENCE_SPOKES.length;
    const { production: prodCidr, staging: stagingCidr } = s.plan;
    const vpcBase = reference ? 60000 + s.index * 100 : 70000 + s.index * 10;
    const routes = FLAT_NETWORK.map((destination) => ({ destination, router: s.name }));
    const prod = addVpc({
      id: id('vpc', vpcBase + 1),
      name: 'production',
      region: s.region,
      cidr: prodCidr,
      routes,
      reach: { kind: 'spoke', router: s.name },
    });
    addVpc({
      id: id('vpc', vpcBase + 2),
      name: 'staging',
      region: s.region,
      cidr: stagingCidr,
      routes,
      reach: { kind: 'spoke', router: s.name },
    });
    routers.push({
      name: s.name,
      region: s.region,
      role: 'spoke',
      vpcId: prod.id,
      subnetId: prod.subnets[0]!.id,
      privateIp: addressInVpc(prodCidr, 256 + 10),
      type: 't3.medium',
      ladder: SPOKE_LADDER,
      asn: s.plan.asn,
      elasticIp: {
        allocationId: id('eipalloc', reference ? s.index * 100 + 1 : 1000 + s.index),
        publicIp: s.plan.publicIp,
      },
      vti: s.plan.vti,
      networks: [prodCidr, stagingCidr],
    });
    spokePsks[s.name] = generatePreSharedKey();
  }

  const shared = addVpc({
    id: id('vpc', 60601),
    name: 'shared-services',
    region: HUB_REGION,
    cidr: '10.60.0.0/16',
    routes: [],
    reach: { kind: 'vgw', vgwId: id('vgw', 1) },
  });
  const analytics = addVpc({
    id: id('vpc', 60701),
    name: 'analytics',
    region: HUB_REGION,
    cidr: '10.70.0.0/16',
    routes: [],
    reach: { kind: 'vgw', vgwId: id('vgw', 2) },
  });

  // The hub VPC sends every remote network to the primary hub. Analytics is routed ahead of
  // its attachment (a prepared route), so attach-vpc only has to bring the tunnels up. The
  // extra spokes' VPCs are one block, one route (spoke-address-plan.ts: AWS's route quota).
  const remote = vpcs
    .filter((v) => v !== hubVpc && !(v.reach.kind === 'spoke' && isExtra(v.reach.router)))
    .map((v) => v.cidr);
  const extraBlock = extra > 0 ? [EXTRA_SPOKES_BLOCK] : [];
  hubVpc.routes = [...remote, ...extraBlock, OFFICE_CIDR].map((destination) => ({
    destination,
    router: 'hub-tokyo-a',
  }));

  const wg = generateWireguardKeyPair();
  const images = [HUB_REGION, ...SPOKE_REGIONS].flatMap((region) => [
    // Newer first on purpose: DescribeImages order is not guaranteed, so callers must sort.
    {
      region,
      name: 'vyos-1.4.1-flatnet',
      creationDate: '2025-09-15T08:30:00.000Z',
      version: '1.4.1',
    },
    {
      region,
      name: 'vyos-1.4.0-flatnet',
      creationDate: '2025-03-02T10:00:00.000Z',
      version: '1.4.0',
    },
  ]);

  return {
    hub: { region: HUB_REGION, asn: HUB_ASN, publicIp: HUB_PUBLIC_IP },
    network: [...FLAT_NETWORK],
    vpcs,
    routers,
    vgws: [
      { id: id('vgw', 1), region: HUB_REGION, vpcId: shared.id, asn: VGW_ASN },
      { id: id('vgw', 2), region: HUB_REGION, vpcId: analytics.id, asn: VGW_ASN },
    ],
    vpnConnections: [
      {
        name: 'shared-services',
        vgwId: id('vgw', 1),
        region: HUB_REGION,
        customerGatewayIp: HUB_PUBLIC_IP,
        customerGatewayAsn: HUB_ASN,
        tunnels: [
          { insideCidr: '169.254.200.0/30', preSharedKey: generatePreSharedKey() },
          { insideCidr: '169.254.200.4/30', preSharedKey: generatePreSharedKey() },
        ],
      },
    ],
    office: {
      name: 'office',
      remoteAddress: '192.0.2.50',
      localPrefix: '10.0.0.0/8',
      remotePrefix: OFFICE_CIDR,
      preSharedKey: generatePreSharedKey(),
      expectsPublicIp: HUB_PUBLIC_IP,
      uplink: '192.0.2.50/24',
      uplinkGateway: '192.0.2.1',
    },
    wireguard: {
      interface: 'wg0',
      address: '10.250.0.1/24',
      pool: '10.250.0.0/24',
      port: 51820,
      privateKey: wg.privateKey,
      publicKey: wg.publicKey,
      peers: [
        { name: 'ops-carol', ...generateWireguardKeyPair(), address: '10.250.0.2/32' },
        { name: 'ops-dave', ...generateWireguardKeyPair(), address: '10.250.0.3/32' },
      ],
    },
    images,
    spokePsks,
    botPublicKey: options.botPublicKey,
  };
}

export function routerNamed(topology: Topology, name: string): TopoRouter {
  const router = topology.routers.find((r) => r.name === name);
  if (!router)
    throw new RangeError(
      `no router named ${name} in the topology (known: ` +
        `${topology.routers.map((r) => r.name).join(', ')})`,
    );
  return router;
}
