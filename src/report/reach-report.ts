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

export interface ReachSummary {
  endpoints: ReachEndpointInfo[];
  total: number;
  broken: number;
  /** The broken paths, worst first (the hops that break the most paths first). */
  brokenPaths: ReachVerdict[];
}
