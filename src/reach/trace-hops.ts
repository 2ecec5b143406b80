/**
 * The pieces of a trace every hop shares: where a packet is (a VPC, a VGW, a router and how
 * the packet came in), what a step answers, and the verdicts shared by several hops.
 */
import type { ReachEndpoint } from './reach-endpoints.js';
import type { ReachRouter, ReachVgw, ReachVpc } from './reach-state.js';
import { HANDSHAKE_FRESH_SECONDS } from './router-tables.js';
import * as fix from './describe-fix.js';

export type Ingress =
  | { kind: 'vpc'; vpcId: string }
  | { kind: 'tunnel'; peer: string }
  | { kind: 'wireguard'; peer: string };

export type Node =
  | { kind: 'vpc'; vpc: ReachVpc; fromVgw?: string }
  | { kind: 'router'; router: ReachRouter; ingress: Ingress }
  | { kind: 'vgw'; vgw: ReachVgw; fromTunnel: boolean };

export interface Broken {
  at: string;
  reason: string;
  fix: string;
  /** The hop could not be read: no proof either way. */
  unknown?: boolean;
}

export type Step = { next: Node } | { arrived: true } | { broken: Broken };

export interface Trace {
  ok: boolean;
  hops: string[];
  judgedUpTo: string[];
  broken?: Broken;
  /** The routers the packet passed, by name (where its connection is tracked). */
  routers: string[];
}

export interface Packet {
  src: number;
  dst: number;
  to: ReachEndpoint;
  /** The destination and source as text, formatted once per packet. */
  D: string;
  S: string;
  /** The forward packet opens a connection; the reply belongs to it (routers' firewalls). */
  state: 'new' | 'established';
  /** A reply: the routers its request passed (where conntrack knows it), by name. */
  requestPassed?: ReadonlySet<string>;
  /** The routers this packet passes, by name. */
  routers: string[];
  /** A ping unless `/vpn reach --port` names a connection. */
  protocol: 'icmp' | 'tcp' | 'udp';
  port?: number;
  /** Put a hop into words (only when the path is asked for: the matrix needs verdicts). */
  note(hop: () => string): void;
  farSide(what: string): void;
}

export const vpcName = (v: ReachVpc) => `${v.region}/${v.name}`;

export const fresh = (s: number | undefined) => s !== undefined && s < HANDSHAKE_FRESH_SECONDS;

export function unreadable(router: ReachRouter | undefined, name: string): Broken {
  const state = router?.instance?.state;
  if (state && state !== 'running')
    return { at: name, reason: `${name} is ${state}`, fix: fix.notRunning(name) };
  return {
    at: name,
    reason: `flatnet could not read ${name}${router?.error ? `: ${router.error}` : ''}`,
    fix: fix.unreadable(name),
    unknown: true,
  };
}
