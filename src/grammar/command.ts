/**
 * What a slash command asks for, once parsed. The grammar builds these; handlers and the CLI
 * consume them.
 */
export type PeerSpec =
  | { type: 'wireguard'; publicKey?: string }
  | { type: 'ipsec'; remote: string; subnets: string[]; bgpAsn?: number; mode: 'route' | 'policy' };

/** `--port tcp/22`: the connection `/vpn reach` tries instead of a ping (routers' firewalls). */
export interface ReachPort {
  protocol: 'tcp' | 'udp';
  port: number;
}

export type Command =
  | { kind: 'help'; topic?: 'vpn' | 'router' }
  | { kind: 'status'; scope?: string }
  /**
   * `/vpn reach <from> <to>`: endpoints by label, name or address (checked against the network
   * later).
   */
  | { kind: 'reach'; from: string; to: string; port?: ReachPort }
  | { kind: 'add-peer-modal' }
  | { kind: 'add-peer'; name: string; peer: PeerSpec; router?: string; dryRun: boolean }
  | { kind: 'remove-peer'; name: string; router?: string; dryRun: boolean }
  | { kind: 'peers'; router?: string }
  /** `/vpn reissue-peer <name>`: a new client file for an existing WireGuard peer. */
  | { kind: 'reissue-peer'; name: string; router?: string }
  | { kind: 'attach-vpc'; id: string; region: string; dryRun: boolean }
  /**
   * `/vpn sync-standby [router]`: the pair of the router named, or the one pair of the inventory.
   */
  | { kind: 'sync-standby'; router?: string; dryRun: boolean }
  /** `/vpn policy show | diff | apply [--dry-run]`: the traffic policy (docs/traffic-policy.md). */
  | { kind: 'policy'; action: 'show' | 'diff' | 'apply'; dryRun: boolean }
  | { kind: 'router-status'; router: string }
  | { kind: 'scaleup' | 'scaledown'; router: string; type?: string; dryRun: boolean }
  | { kind: 'failover' | 'failback'; router: string; dryRun: boolean }
  | { kind: 'history'; router?: string }
  /** `/router monitor [pause <router> [for 2h] | resume <router>]`: answered at once, no run. */
  | { kind: 'monitor'; action: 'show' }
  | { kind: 'monitor'; action: 'pause'; router: string; minutes: number }
  | { kind: 'monitor'; action: 'resume'; router: string };

/** One thing wrong with a command, and how to fix it. */
export interface Problem {
  message: string;
  hint?: string;
}

/**
 * A command, or what is wrong with it: the first problem, and every problem when there are
 * several (`/vpn add-peer` checks all its options, so a person fixes them in one go).
 */
export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; message: string; hint: string; problems?: Problem[] };

export interface HelpEntry {
  /** Which subcommand (or form of one) this line is, for the parser's usage hints. */
  id: string;
  command: string;
  /** Every argument and option the parser accepts: a test holds the two together. */
  usage: string;
  description: string;
  /** False for what is planned but not built yet: help marks it as coming. */
  available: boolean;
}
