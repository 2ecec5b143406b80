import type { HelpEntry } from './command.js';

/**
 * Everything flatnet does or will do, for `/vpn help` and `/router help`, and the one source of
 * the usage lines the parser quotes when it refuses a command (`usageOf`).
 */
export const HELP_ENTRIES: HelpEntry[] = [
  {
    id: 'status',
    command: '/vpn',
    usage: 'status [region|router]',
    description: 'whether every network reaches every other, then every tunnel, problems first',
    available: true,
  },
  {
    id: 'reach',
    command: '/vpn',
    usage: 'reach <from> <to> [--port tcp/22]',
    description:
      'does traffic get from one network to another and ' +
      'back? hop by hop, the first broken hop and the fix (a ping, or a tcp/udp port)',
    available: true,
  },
  {
    id: 'add-peer',
    command: '/vpn',
    usage: 'add-peer <name> [--pubkey KEY] [--router R] [--dry-run]',
    description: 'onboard a developer on WireGuard; your client config arrives by DM',
    available: false,
  },
  {
    id: 'add-peer-ipsec',
    command: '/vpn',
    usage:
      'add-peer <name> ipsec --remote IP --subnets CIDR[,CIDR] [--bgp ASN] ' +
      '[--mode route|policy] [--router R] [--dry-run]',
    description: 'onboard a site over IPsec; its half of the config arrives by DM',
    available: false,
  },
  {
    id: 'remove-peer',
    command: '/vpn',
    usage: 'remove-peer <name> [--router R] [--dry-run]',
    description: 'remove a peer and free its address',
    available: false,
  },
  {
    id: 'reissue-peer',
    command: '/vpn',
    usage: 'reissue-peer <name> [--router R]',
    description:
      'a new WireGuard client file for an existing peer ' +
      "(same key and address, today's AllowedIPs), by DM",
    available: false,
  },
  {
    id: 'peers',
    command: '/vpn',
    usage: 'peers [--router R]',
    description: 'every peer with its address and last handshake',
    available: false,
  },
  {
    id: 'attach-vpc',
    command: '/vpn',
    usage: 'attach-vpc <vpc-id|vgw-id> --region R [--dry-run]',
    description: 'join a VPC through its VPN gateway: two tunnels with BGP on the hub',
    available: false,
  },
  {
    id: 'sync-standby',
    command: '/vpn',
    usage: 'sync-standby [router] [--dry-run]',
    description:
      "bring the hub's standby in step with its primary: the difference " +
      '(secrets masked), then commit-confirm (approval required)',
    available: false,
  },
  {
    id: 'policy',
    command: '/vpn',
    usage: 'policy show | diff | apply [--dry-run]',
    description:
      'the traffic policy between networks: the rules as a table, what would change on each ' +
      'router, or apply it (commit-confirm on every router, approval required)',
    available: false,
  },
  { id: 'help', command: '/vpn', usage: 'help', description: 'this help', available: true },
  {
    id: 'router-status',
    command: '/router',
    usage: 'status <router>',
    description: 'instance, type, load, Elastic IP holder, routes, current run',
    available: false,
  },
  {
    id: 'scaleup',
    command: '/router',
    usage: 'scaleup <router> [--type T] [--dry-run]',
    description: 'replace the router with a bigger instance (approval required)',
    available: false,
  },
  {
    id: 'scaledown',
    command: '/router',
    usage: 'scaledown <router> [--type T] [--dry-run]',
    description: 'the same toward a smaller instance (approval required)',
    available: false,
  },
  {
    id: 'failover',
    command: '/router',
    usage: 'failover <router> [--dry-run]',
    description: 'move traffic to the standby router (approval required)',
    available: false,
  },
  {
    id: 'failback',
    command: '/router',
    usage: 'failback <router> [--dry-run]',
    description: 'move traffic back to the primary (approval required)',
    available: false,
  },
  {
    id: 'history',
    command: '/router',
    usage: 'history [router]',
    description: 'recent runs: who asked, who approved, outcome, duration',
    available: false,
  },
  {
    id: 'monitor',
    command: '/router',
    usage: 'monitor [pause <router> [for 2h] | resume <router>]',
    description: 'the monitor: incidents and last round; silence a router during maintenance',
    available: false,
  },
];

/** `/vpn remove-peer <name> [--router R] [--dry-run]`: the help line of one subcommand. */
export function usageOf(command: '/vpn' | '/router', id: string): string {
  const entry = HELP_ENTRIES.find((e) => e.command === command && e.id === id);
  if (!entry) throw new Error(`no help entry ${command} ${id}`);
  return `${command} ${entry.usage}`;
}
