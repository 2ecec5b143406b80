/**
 * The inventory: everything flatnet knows about the network it operates, in one YAML file.
 * Strict objects everywhere, so a typo (`instanceID`) is an error that names the key rather
 * than a silently ignored setting.
 */
import { z } from 'zod';
import { MonitorSchema } from './monitor-schema.js';
import { Rate, RoleName, TrafficSchema } from './traffic-schema.js';

const octet = /(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/.source;
const ipv4 = new RegExp(String.raw`^${octet}(\.${octet}){3}$`);
const cidr = new RegExp(String.raw`^${octet}(\.${octet}){3}/([0-9]|[12]\d|3[0-2])$`);

export const Ipv4 = z.string().regex(ipv4, 'must be an IPv4 address like 10.0.1.10');
export const Cidr = z.string().regex(cidr, 'must be an IPv4 CIDR like 10.0.0.0/16');
/** Router, group and peer names reach the router shell: letters, digits, `-` and `_` only. */
export const Name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be letters, digits, - and _ (starting with a letter or digit)',
  );
const SlackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');

const SshSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a login name like vyos')
    .default('vyos'),
  /** Path to the bot's private key, relative to the inventory file. */
  privateKeyPath: z.string().min(1),
  /**
   * The router's host key as `ssh-ed25519 AAAA…` (what `ssh-keyscan -t ed25519` prints after the
   * host).
   */
  hostKey: z
    .string()
    .regex(
      /^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$/,
      'must be a key line like `ssh-ed25519 AAAA…`',
    ),
});

const WireguardSchema = z.strictObject({
  interface: z
    .string()
    .regex(/^wg\d{1,3}$/, 'must be a WireGuard interface like wg0')
    .default('wg0'),
  /** Addresses handed to peers; the router itself takes the first one. */
  pool: Cidr,
  port: z.number().int().min(1).max(65535).default(51820),
  /** What clients dial: `host:port` (usually the Elastic IP or a DNS name for it). */
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port like vpn.example.com:51820'),
  /** The router's WireGuard public key (base64 of 32 bytes). */
  publicKey: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/,
      'must be a WireGuard public key (base64 of 32 bytes)',
    ),
  keepaliveSeconds: z.number().int().min(0).max(3600).default(25),
  /** The pool's role in the traffic policy (docs/traffic-policy.md), e.g. developers. */
  role: RoleName.optional(),
  /** The most the pool as a whole receives through the router. */
  bandwidth: Rate.optional(),
});

export const RouterSchema = z.strictObject({
  region: z.string().min(1),
  role: z.enum(['hub', 'spoke', 'standby']),
  instanceId: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id like i-0abc123def4567890'),
  /** The warm standby that takes over on failover. */
  standby: Name.optional(),
  elasticIp: z
    .strictObject({
      allocationId: z
        .string()
        .regex(/^eipalloc-[0-9a-f]{8,17}$/, 'must be an allocation id like eipalloc-0abc…'),
      publicIp: Ipv4,
    })
    .optional(),
  /** Where a replacement instance launches (scale-up). */
  subnetId: z
    .string()
    .regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id like subnet-0abc…')
    .optional(),
  /** Instance types from small to big: scale-up takes the next one, scale-down the previous. */
  ladder: z
    .array(
      z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an instance type like c5.large'),
    )
    .default([]),
  ssh: SshSchema,
  wireguard: WireguardSchema.optional(),
  asn: z.number().int().min(1).max(4294967294).optional(),
});

const VpcSchema = z.strictObject({
  id: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id like vpc-0abc…'),
  name: Name,
  cidr: Cidr,
  /** Its role in the traffic policy (docs/traffic-policy.md): production, staging… */
  role: RoleName.optional(),
  /** The most the VPC receives through its router (`qos policy shaper`). */
  bandwidth: Rate.optional(),
});

const PolicySchema = z.strictObject({
  /** Group names from `groups`, or Slack user ids. */
  approvers: z.array(z.string().min(1)).default([]),
  distinctApprovers: z.number().int().min(1).max(5).default(1),
  allowSelfApproval: z.boolean().default(false),
  expiryMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Members of these groups run the command without approval (add-peer for developers). */
  selfService: z.array(z.string().min(1)).default([]),
  /** Who may ask at all; empty means anyone in the channel. */
  requesters: z.array(z.string().min(1)).default([]),
});

const ProposalSchema = z.strictObject({
  encryption: z.enum(['aes128', 'aes256', 'aes128gcm128', 'aes256gcm128']).default('aes256'),
  hash: z.enum(['sha1', 'sha256', 'sha384', 'sha512']).default('sha256'),
  dhGroup: z
    .number()
    .int()
    .refine(
      (g) => [2, 5, 14, 15, 16, 19, 20, 21].includes(g),
      'must be a DH group VyOS supports (14, 19, 20…)',
    )
    .default(14),
  lifetime: z.number().int().min(300).max(86400).default(3600),
});

/**
 * A static route-based site (`/vpn add-peer NAME ipsec`, no `--bgp`) with a backup tunnel: the
 * key is the site peer of its primary line, `backup` the site peer of its second line (added
 * with `/vpn add-peer` too, with the same subnets), `target` an address on the site that
 * answers ping. The routers render `protocols failover` routes that check it across each
 * tunnel and switch by themselves; the monitor alerts on each switch (docs/monitor.md).
 */
const SiteSchema = z.strictObject({
  backup: Name,
  target: Ipv4,
});

export const InventorySchema = z.strictObject({
  version: z.literal(1).default(1),
  hub: z.strictObject({
    region: z.string().min(1),
    asn: z.number().int().min(1).max(4294967294).default(65000),
  }),
  /**
   * The flat network's address plan (src/config/flat-network.ts, docs/flat-network.md):
   * `{ aggregates: [10.0.0.0/8, …] }` — what the hub announces, what a developer's AllowedIPs
   * and a site's selectors cover, so a VPC or site added later inside them needs no new client
   * config. Absent: every VPC CIDR and WireGuard pool of the inventory. The older form, a plain
   * list of every network, is still read (as those networks, plus the WireGuard pools).
   */
  network: z
    .union([
      z.array(Cidr).min(1),
      z.strictObject({
        aggregates: z.array(Cidr).min(1).optional(),
        /** Sites reached over a private link (Direct Connect…): their --remote may be private. */
        privateSiteRanges: z.array(Cidr).optional(),
      }),
    ])
    .optional(),
  aws: z
    .strictObject({
      endpoint: z.string().url().optional(),
      credentials: z
        .strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) })
        .optional(),
      waiter: z
        .strictObject({
          minDelaySeconds: z.number().positive().default(2),
          maxWaitSeconds: z.number().positive().default(600),
        })
        .default({ minDelaySeconds: 2, maxWaitSeconds: 600 }),
    })
    .default({ waiter: { minDelaySeconds: 2, maxWaitSeconds: 600 } }),
  regions: z.record(
    z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region like us-east-1'),
    z.strictObject({ vpcs: z.array(VpcSchema).default([]) }),
  ),
  routers: z.record(Name, RouterSchema),
  slack: z.strictObject({
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C0123ABCD'),
  }),
  groups: z.record(Name, z.array(SlackUser)).default({}),
  policies: z
    .strictObject({
      scaleup: PolicySchema.optional(),
      scaledown: PolicySchema.optional(),
      failover: PolicySchema.optional(),
      failback: PolicySchema.optional(),
      'add-peer': PolicySchema.optional(),
      'remove-peer': PolicySchema.optional(),
      'attach-vpc': PolicySchema.optional(),
      /** Absent: the failover policy (who may move the pair's traffic may change its standby). */
      'sync-standby': PolicySchema.optional(),
      /** `/vpn policy apply`. Absent: the failover policy (it can cut any path, as a failover). */
      'traffic-policy': PolicySchema.optional(),
    })
    .default({}),
  ipsec: z
    .strictObject({
      ike: ProposalSchema.extend({
        lifetime: z.number().int().min(300).max(86400).default(28800),
      }).default({ encryption: 'aes256', hash: 'sha256', dhGroup: 14, lifetime: 28800 }),
      esp: ProposalSchema.default({
        encryption: 'aes256',
        hash: 'sha256',
        dhGroup: 14,
        lifetime: 3600,
      }),
    })
    .default({
      ike: { encryption: 'aes256', hash: 'sha256', dhGroup: 14, lifetime: 28800 },
      esp: { encryption: 'aes256', hash: 'sha256', dhGroup: 14, lifetime: 3600 },
    }),
  monitor: MonitorSchema,
  sites: z.record(Name, SiteSchema).default({}),
  /** Who may reach whom and how much bandwidth (docs/traffic-policy.md); absent: no policy. */
  traffic: TrafficSchema.optional(),
  /**
   * How long a finished run and its events stay in Redis (`/router history`, the audit
   * stream): Redis expires them this long after the run ended. 90 days covers a quarter's
   * change review; fractions of a day are allowed (tests, the demo).
   */
  history: z
    .strictObject({ retentionDays: z.number().positive().max(3650).default(90) })
    .default({ retentionDays: 90 }),
  timeouts: z
    .strictObject({
      sshConnectMs: z.number().int().positive().default(5000),
      sshCommandMs: z.number().int().positive().default(20000),
      statusPerRouterMs: z.number().int().positive().default(15000),
    })
    .default({ sshConnectMs: 5000, sshCommandMs: 20000, statusPerRouterMs: 15000 }),
});

export type Inventory = z.infer<typeof InventorySchema>;
export type RouterEntry = z.infer<typeof RouterSchema>;
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyKind = keyof Inventory['policies'];
export type SiteEntry = z.infer<typeof SiteSchema>;
