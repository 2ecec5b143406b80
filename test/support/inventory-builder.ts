/**
 * Inventories for tests, built in the operator's words instead of YAML pasted or patched
 * with regexes:
 *
 *   anInventory().withStandby('hub-tokyo-b').withSite('intranet', { backup, target }).build()
 *
 * `anInventory()` is a valid small fleet (the hub hub-tokyo-a in Tokyo with its VPC, its
 * WireGuard pool and Elastic IP, the approver groups and policies); `theReferenceFleet()` is
 * examples/flatnet.yml, router for router (test/unit/inventory-builder.test.ts keeps the two
 * equal). `build()` goes through the real parser (`parseInventory`), so a test gets exactly
 * the typed Inventory the bot would, defaults and cross-checks included; `toYaml()` gives the
 * text, for a test about reading a file. Ids, addresses and keys that a test does not name
 * follow the example's numbering (the k-th spoke: AS 6500k, 198.51.100.(6+k), 10.(10k).1.10).
 */
import { stringify } from 'yaml';
import type { z } from 'zod';
import type { InventorySchema, RouterSchema } from '../../src/config/inventory-schema.js';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { parseInventory } from '../../src/config/load-inventory.js';

/** The inventory as written in the file (before the parser fills in defaults). */
type Written = z.input<typeof InventorySchema>;
type WrittenRouter = z.input<typeof RouterSchema>;
type WrittenPolicy = NonNullable<NonNullable<Written['policies']>['scaleup']>;
type WrittenNetwork = Exclude<NonNullable<Written['network']>, string[]>;
type WrittenMonitor = Exclude<NonNullable<Written['monitor']>, undefined>;
type WrittenTimeouts = NonNullable<Written['timeouts']>;

const HUB = 'hub-tokyo-a';
const HUB_REGION = 'ap-northeast-1';
const KEY_PATH = 'keys/flatnet_ed25519';
const HUB_LADDER = ['t3.medium', 'c5.large', 'c5.xlarge', 'c5.2xlarge'];
const SPOKE_LADDER = ['t3.small', 't3.medium', 'c5.large'];
const APPROVERS = { approvers: ['network-approvers'], distinctApprovers: 1 };
const GUARDED = { ...APPROVERS, allowSelfApproval: false, expiryMinutes: 30 };

/** `i-0a1b2c3d4e5f00101` for router number 101, and so on for the other AWS ids. */
const awsId = (kind: string, n: number, base = '0a1b2c3d4e5f00'): string =>
  `${kind}-${base}${String(n).padStart(3, '0')}`;

/** A made-up host key line that names its router: `SpokeOregon000…` (the example's way). */
const hostKeyOf = (name: string): string =>
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' +
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
    .padEnd(43, '0');

export class InventoryBuilder {
  private spokes = 0;

  constructor(private readonly written: Written) {}

  /** The warm standby of `of` (default the hub): same region, subnet and ladder. */
  withStandby(name: string, router: Partial<WrittenRouter> & { of?: string } = {}): this {
    const { of = HUB, ...rest } = router;
    const primary = this.router(of);
    primary.standby = name;
    this.written.routers[name] = {
      region: primary.region,
      role: 'standby',
      instanceId: awsId('i', 2),
      ...(primary.subnetId ? { subnetId: primary.subnetId } : {}),
      ladder: primary.ladder,
      ssh: { host: '10.0.1.11', privateKeyPath: KEY_PATH, hostKey: hostKeyOf(name) },
      ...rest,
    };
    return this;
  }

  /** A spoke router in `region` (added to the regions, without VPCs, if new). */
  withSpoke(name: string, region: string, router: Partial<WrittenRouter> = {}): this {
    const k = ++this.spokes;
    this.written.regions[region] ??= { vpcs: [] };
    this.written.routers[name] = {
      region,
      role: 'spoke',
      instanceId: awsId('i', k * 100 + 1),
      elasticIp: { allocationId: awsId('eipalloc', k * 100 + 1), publicIp: `198.51.100.${6 + k}` },
      ladder: SPOKE_LADDER,
      asn: 65000 + k,
      ssh: { host: `10.${k * 10}.1.10`, privateKeyPath: KEY_PATH, hostKey: hostKeyOf(name) },
      ...router,
    };
    return this;
  }

  /** Change what a router of the fleet says (its fields are replaced, not merged). */
  withRouter(name: string, changes: Partial<WrittenRouter>): this {
    Object.assign(this.router(name), changes);
    return this;
  }

  /** The bot's SSH private key, for every router (a path relative to the inventory file). */
  withSshKey(privateKeyPath: string): this {
    for (const router of Object.values(this.written.routers))
      router.ssh = { ...router.ssh, privateKeyPath };
    return this;
  }

  /** A VPC in `region`; its id follows the region's place in the inventory and the VPC's. */
  withVpc(region: string, name: string, cidr: string, more: { id?: string } = {}): this {
    const vpcs = (this.written.regions[region] ??= {}).vpcs ?? [];
    // The n-th region's VPCs are vpc-…60n01, vpc-…60n02, … (the hub's region is the 0th).
    const place = Object.keys(this.written.regions).indexOf(region) * 100 + vpcs.length + 1;
    vpcs.push({ id: awsId('vpc', place, '0a1b2c3d4e5f60'), name, cidr, ...more });
    this.written.regions[region] = { vpcs };
    return this;
  }

  /** A static site with a backup tunnel (docs/monitor.md). */
  withSite(name: string, site: { backup: string; target: string }): this {
    this.written.sites = { ...this.written.sites, [name]: site };
    return this;
  }

  /** The flat network's address plan (`network:`), merged into what is there. */
  withNetwork(network: WrittenNetwork): this {
    const now = this.written.network;
    this.written.network = { ...(Array.isArray(now) ? {} : now), ...network };
    return this;
  }

  /** No `network:` section: every VPC CIDR and WireGuard pool is the flat network. */
  withoutNetworkPlan(): this {
    delete this.written.network;
    return this;
  }

  withGroup(name: string, users: string[]): this {
    this.written.groups = { ...this.written.groups, [name]: users };
    return this;
  }

  withPolicy(kind: keyof NonNullable<Written['policies']>, policy: WrittenPolicy): this {
    this.written.policies = { ...this.written.policies, [kind]: policy };
    return this;
  }

  withMonitor(monitor: WrittenMonitor): this {
    this.written.monitor = { ...this.written.monitor, ...monitor };
    return this;
  }

  withTimeouts(timeouts: WrittenTimeouts): this {
    this.written.timeouts = { ...this.written.timeouts, ...timeouts };
    return this;
  }

  /** The inventory as the parser reads it from a file: defaults filled in, references checked. */
  build(file = 'flatnet.yml'): Inventory {
    return parseInventory(this.toYaml(), file, null);
  }

  /** The YAML text of the inventory, for tests about reading a file. */
  toYaml(): string {
    return stringify(this.written);
  }

  private router(name: string): WrittenRouter {
    const router = this.written.routers[name];
    if (!router) throw new Error(`no router ${name} in this inventory yet`);
    return router;
  }
}

/** A valid small fleet: the Tokyo hub alone, with its VPC, WireGuard pool and approvers. */
export function anInventory(): InventoryBuilder {
  return new InventoryBuilder({
    version: 1,
    hub: { region: HUB_REGION, asn: 65000 },
    regions: { [HUB_REGION]: { vpcs: [] } },
    routers: {
      [HUB]: {
        region: HUB_REGION,
        role: 'hub',
        instanceId: awsId('i', 1),
        elasticIp: { allocationId: awsId('eipalloc', 1), publicIp: '203.0.113.10' },
        subnetId: awsId('subnet', 1),
        ladder: HUB_LADDER,
        asn: 65000,
        ssh: {
          host: '10.0.1.10',
          privateKeyPath: KEY_PATH,
          hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHub0TokyoA0000000000000000000000000000000',
        },
        wireguard: {
          pool: '10.250.0.0/24',
          endpoint: 'vpn.example.com:51820',
          publicKey: 'h1HkYlSuHdJN6Qv4Hz4bBzjGg5WUty+U1L7DJsZy1iE=',
        },
      },
    },
    slack: { channel: 'C0NETOPS' },
    groups: { 'network-approvers': ['U0BOB', 'U0CAROL'], developers: ['U0ALICE'] },
    policies: {
      scaleup: GUARDED,
      scaledown: GUARDED,
      failover: { ...GUARDED, expiryMinutes: 15 },
      failback: GUARDED,
      'add-peer': { ...APPROVERS, selfService: ['developers', 'network-approvers'] },
      'remove-peer': { ...APPROVERS, selfService: ['network-approvers'] },
      'attach-vpc': APPROVERS,
    },
  }).withVpc(HUB_REGION, 'hub', '10.0.0.0/16');
}

/** examples/flatnet.yml: the hub pair in Tokyo, a spoke in each of five regions, the office. */
export function theReferenceFleet(): InventoryBuilder {
  const fleet = anInventory().withStandby('hub-tokyo-b', {
    ssh: {
      host: '10.0.1.11',
      privateKeyPath: KEY_PATH,
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHub0TokyoB0000000000000000000000000000000',
    },
  });
  const spokes: [name: string, region: string][] = [
    ['spoke-virginia', 'us-east-1'],
    ['spoke-oregon', 'us-west-2'],
    ['spoke-ireland', 'eu-west-1'],
    ['spoke-singapore', 'ap-southeast-1'],
    ['spoke-saopaulo', 'sa-east-1'],
  ];
  spokes.forEach(([name, region], i) => {
    const net = (i + 1) * 10;
    fleet
      .withSpoke(name, region)
      .withVpc(region, 'production', `10.${net}.0.0/16`)
      .withVpc(region, 'staging', `10.${net + 1}.0.0/16`);
  });
  return fleet
    .withRouter('spoke-saopaulo', {
      ssh: { host: '10.50.1.10', privateKeyPath: KEY_PATH, hostKey: hostKeyOf('spoke-sao-paulo') },
    })
    .withNetwork({ aggregates: ['10.0.0.0/8', '192.168.0.0/16'] })
    .withMonitor({ routers: { [HUB]: { failover: 'approve' } } });
}
