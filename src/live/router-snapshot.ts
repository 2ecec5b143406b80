/**
 * The routers a run works with, as resolved when it was planned: which instance is each
 * router now, in what state EC2 says it is, its addresses, and where flatnet reaches it over
 * SSH. Saved with the run (plain data, no secret: a host key is public), so a run resumed by
 * another worker, or executed after a 30-minute approval, uses the facts it was approved on.
 */
import type { InstanceState } from '../aws/types.js';

export interface ResolvedRouter {
  instanceId: string;
  /** EC2's word. `unknown`: EC2 could not be read; `missing`: EC2 no longer knows the instance. */
  state: InstanceState | 'unknown' | 'missing';
  privateIp: string | null;
  /** The public address EC2 shows on the instance (the Elastic IP, for its holder). */
  publicIp: string | null;
  networkInterfaceId: string | null;
  type: string | null;
  ssh: { host: string; port: number; hostKey: string };
  /** `replacement`: an instance a flatnet cutover put in place (router facts, Redis). */
  source: 'inventory' | 'replacement';
  /** The run that put the replacement in place. */
  replacedBy?: string;
}

export interface RouterSnapshot {
  resolvedAt: number;
  /** The inventory the snapshot was resolved with (its digest): a reload does not change a run. */
  inventoryDigest?: string;
  /** The router facts' version (bumped by each cutover) the snapshot was built from. */
  factsVersion: number;
  /** What EC2 could not tell, or told that disagrees with what flatnet knows. */
  problems: string[];
  routers: Record<string, ResolvedRouter>;
}
