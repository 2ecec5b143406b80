/**
 * The traffic policy's part of the inventory (docs/traffic-policy.md): who may reach whom
 * between networks, on which ports, and how much bandwidth a network or a peer may use.
 * Roles are written on the networks themselves (a VPC's `role`, a WireGuard pool's `role`,
 * a site under `traffic.sites`); the rules between roles live under `traffic.rules`.
 */
import { z } from 'zod';

const octet = /(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/.source;
const cidr = new RegExp(String.raw`^${octet}(\.${octet}){3}/([0-9]|[12]\d|3[0-2])$`);
const TrafficCidr = z.string().regex(cidr, 'must be an IPv4 CIDR like 10.0.0.0/16');

/**
 * A role's name becomes part of a VyOS firewall group name (`ROLE-production`, vyos-1x
 * firewall.xml.in: `[a-zA-Z0-9][\w\-\.]*`), so it is held to the names that reach a shell.
 */
export const RoleName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a role like production (lowercase letters, digits, -)');

/**
 * A rate as `qos policy shaper … bandwidth` takes it (vyos-1x include/qos/bandwidth.xml.i:
 * `\d+(bit|kbit|mbit|gbit|tbit)?`). flatnet asks for a unit, so `10` (10 bit/s) is never a
 * typo for 10 Mbit/s.
 */
export const Rate = z
  .string()
  .regex(/^[1-9]\d{0,5}(kbit|mbit|gbit)$/, 'must be a rate like 10mbit, 500kbit or 1gbit');

/** One port or a range, as `destination port` takes them (vyos-1x `port-multi`). */
const Port = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}-\d{1,5}$/, 'must be a port like 443 or a range like 8000-8080'),
]);

export const TrafficRuleSchema = z.strictObject({
  from: RoleName,
  to: RoleName,
  /** `drop` says a flow is refused by this rule, by name (`staging ↛ production`). */
  action: z.enum(['accept', 'drop']).default('accept'),
  /** `all` (the default) matches every protocol; ports need tcp, udp or tcp_udp (VyOS). */
  protocol: z.enum(['all', 'tcp', 'udp', 'tcp_udp', 'icmp']).default('all'),
  ports: z.array(Port).min(1).optional(),
  /** Only from these addresses of the `from` role (a name under traffic.groups). */
  fromGroup: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/, 'must be a group name under traffic.groups')
    .optional(),
  description: z.string().max(200).optional(),
});

const TrafficSiteSchema = z.strictObject({
  /** The site's own networks (what sits behind its router). */
  networks: z.array(TrafficCidr).min(1),
  role: RoleName.optional(),
  bandwidth: Rate.optional(),
});

export const TrafficSchema = z.strictObject({
  /**
   * The role of a network the inventory gives none. Absent, such a network is in no rule:
   * it reaches nobody and nobody reaches it (replies apart) until it is given a role.
   */
  defaultRole: RoleName.optional(),
  /** Site-to-site peers by their peer name on the hub (the office, a partner). */
  sites: z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/), TrafficSiteSchema)
    .default({}),
  /** Named address sets a rule can narrow its source to (`fromGroup: ops`). */
  groups: z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/), z.array(TrafficCidr).min(1))
    .default({}),
  /** Bandwidth per WireGuard peer, by its peer name. */
  peers: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/),
      z.strictObject({ bandwidth: Rate }),
    )
    .default({}),
  rules: z.array(TrafficRuleSchema).default([]),
  /**
   * Where flatnet's own SSH comes from (the bot's and workers' subnet). Absent: the VPC that
   * holds the hub's SSH address. A policy that would drop it toward a router is refused.
   */
  botNetwork: TrafficCidr.optional(),
});

export type TrafficSection = z.infer<typeof TrafficSchema>;
export type TrafficRuleEntry = z.infer<typeof TrafficRuleSchema>;
