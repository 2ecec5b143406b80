/**
 * What `/vpn reach` found, and the reachability part of `/vpn status`: one verdict per
 * ordered pair of endpoints, judged forward and back from the network's real state.
 */

export interface ReachEndpointInfo {
  /** `ap-northeast-1/hub`, `site/office`, `wg/ops-carol`. */
  label: string;
  /** The host the packet starts from or goes to. */
  address: string;
  /** The network the label stands for. */
  network: string;
}

export interface ReachVerdict {
  from: string;
  to: string;
  reachable: boolean;
  /** Forward hops, then (when the forward path arrived) the return hops. */
  path: string[];
  /** Which way broke. */
  direction?: 'forward' | 'return';
  /** The hop that breaks the path: a route table, a router, a tunnel. */
  brokenAt?: string;
  reason?: string;
  /** What to do about it, in an operator's words. */
  fix?: string;
  /** Far sides flatnet cannot see (a site's router, a laptop): judged up to their tunnel. */
  judgedUpTo?: string[];
  /** A router could not be read: the verdict is not a proof either way. */
  unknown?: boolean;
}

/** One hop that breaks paths, and how many: the status report's unit of a reach problem. */
export interface BrokenHop {
  at: string;
  /** How many ordered pairs it breaks. */
  count: number;
  /** Why and what to do, from the first path it breaks. */
  reason: string;
  fix?: string;
  /** The first few paths it breaks, as `from → to`. */
  paths: string[];
}

/**
 * The reachability part of `/vpn status`, small enough to keep in every status run record:
 * counts, and the broken paths grouped by the hop that breaks them (worst first).
 */
export interface ReachSummary {
  /** How many networks (VPCs, sites, laptops) were judged. */
  networks: number;
  total: number;
  broken: number;
  hops: BrokenHop[];
}
