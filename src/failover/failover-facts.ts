/**
 * What the failover's plan step read and the later steps use. Saved as JSON in the run record:
 * plain data, no secret (peer names, addresses and interface ids only).
 */
import type { RouteRef } from '../scaleup/scale-facts.js';

/** `failover`: primary → standby. `failback`: standby → primary. */
export type FailoverDirection = 'failover' | 'failback';

export interface RouterSideFacts {
  router: string;
  instanceId: string;
  networkInterfaceId: string;
  privateIp: string;
  type: string;
  state: string;
}

export interface FailoverFacts {
  direction: FailoverDirection;
  primary: string;
  standby: string;
  region: string;
  /** The router giving up the traffic, and whether flatnet could read it (a broken primary may not answer). */
  from: RouterSideFacts & {
    readable: boolean;
    problem: string | null;
    sasUp: number;
    bgpEstablished: number;
  };
  /** The router taking the traffic, health-checked. */
  to: RouterSideFacts & { peers: number; bgpNeighbors: number };
  elasticIp: {
    allocationId: string;
    publicIp: string;
    holderInstanceId: string | null;
    holderInterfaceId: string | null;
  };
  /** Routes that pointed at `from` when the plan was read. */
  routes: RouteRef[];
  /** What `to` must bring up before the routes move, and why that set. */
  expectedSas: string[];
  expectedBgp: string[];
  expectedBasis: 'up-on-from' | 'all-configured';
  /** WireGuard peers of `from` that `to` lacks: they lose the VPN until the failback (a warning, not a refusal). */
  wireguardMissing: string[];
  /** Peer and BGP names the comparison covered; null when `from` could not be read. */
  compared: { peers: number; bgpNeighbors: number } | null;
}

/** The plan step's id: named for what it health-checks. */
export const planStepIdOf = (direction: FailoverDirection): string =>
  direction === 'failover' ? 'check-standby' : 'check-primary';

export const FAILOVER_STEP_IDS = [
  'move-elastic-ip',
  'bring-tunnels-up',
  'repoint-routes',
  'verify',
] as const;
