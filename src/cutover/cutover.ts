/**
 * The cutover, whoever does it: a scale-up moves the traffic from the old instance to the one
 * it launched, a failover from a primary to its standby, a failback back again. The steps that
 * flip the traffic (move the Elastic IP, bring the tunnels up, repoint the routes, verify) live
 * here, once, and only know "from" and "to"; each runbook resolves its Cutover from its own
 * plan results (src/scaleup/scale-cutover.ts, src/failover/failover-cutover.ts).
 */
import type { Cloud } from '../aws/cloud.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import type { RouterClient } from '../vyos/router-client.js';

/** What the cutover steps use from the world: the cloud, a clock and the tunnel wait. */
export interface CutoverDeps {
  cloud: Cloud;
  clock: () => number;
  /** How long to wait for the receiving router's tunnels, and how often to look. */
  tunnelWait: { timeoutMs: number; pollMs: number };
}

export type RouteRef = { routeTableId: string; destination: string };

export interface CutoverSide {
  /** How the thread names it: `hub-tokyo-b`, `the new router`. */
  label: string;
  instanceId: string;
  /** The primary interface: what the Elastic IP and the routes point at. */
  networkInterfaceId: string;
  /**
   * A session to the router; never called in a dry run (a scale-up's new router does not exist
   * then).
   */
  client(): RouterClient;
}

export interface Cutover {
  region: string;
  elasticIp: {
    allocationId: string;
    publicIp: string;
    /**
     * Where the plan saw it and when (a failover's plan step reads it): a move right after a
     * fresh plan needs no DescribeAddresses of its own (src/cutover/move-elastic-ip.ts).
     */
    seen?: { networkInterfaceId: string | null; at: number };
  };
  /**
   * The routes that pointed at `from` when the plan was read: exactly these move, and move back.
   */
  routes: RouteRef[];
  from: CutoverSide;
  /** In a dry run, an interface that exists, to prove the permissions against. */
  to: CutoverSide;
  /**
   * The giver did not answer the plan's health check (a failover of a dead primary). Its
   * routes black-hole already, so they move in the Elastic IP's own EC2 round instead of the
   * round after it. A giver that answers may still forward: its routes never move before its
   * Elastic IP does.
   */
  giverUnreachable?: boolean;
  /** The SAs and BGP neighbours `to` must bring up before the routes move. */
  expectedSas: string[];
  expectedBgp: string[];
}

/** How a runbook finds its cutover in a step's context (from the results of its earlier steps). */
export type ResolveCutover<D> = (ctx: TypedStepContext<D>) => Cutover;

/** "route table rtb-1 10.0.0.0/16, …" for notes and errors. */
export const showRoutes = (routes: RouteRef[]): string =>
  routes.map((r) => `${r.routeTableId} ${r.destination}`).join(', ');
