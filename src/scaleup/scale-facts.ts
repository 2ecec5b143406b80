/**
 * The results the scale runbook's steps save and later steps read. Saved as JSON in the run
 * record (so: plain data, no secrets), read back through these accessors, which fail with a
 * flatnet message rather than a TypeError when a record is not what this version expects.
 */
import { FlatnetError } from '../errors.js';
import type { Json } from '../runbook/types.js';
import type { ScaleDirection } from './choose-target-type.js';

export type RouteRef = { routeTableId: string; destination: string };

export type LoadFactsResult = {
  router: string;
  region: string;
  direction: ScaleDirection;
  instanceId: string;
  currentType: string;
  state: string;
  networkInterfaceId: string;
  privateIp: string;
  subnetId: string;
  load5: number;
  loadThreshold: number;
  elasticIp: {
    allocationId: string;
    publicIp: string;
    holderInstanceId: string | null;
    holderInterfaceId: string | null;
  };
  routes: RouteRef[];
  targetType: string;
  image: { imageId: string; name: string; creationDate: string };
  tunnelsUp: number;
  bgpEstablished: number;
};

export type LaunchResult = { instanceId: string | null; clientToken: string; reused: boolean };

export type NewInstance = {
  instanceId: string;
  networkInterfaceId: string;
  privateIp: string;
  type: string;
};

export type CopyConfigResult = {
  hostKey: string | null;
  sshHost: string | null;
  sshPort: number | null;
  lines: number;
  rewritten: number;
  droppedHwIds: number;
  /** SAs and BGP neighbours up on the old router just before the cutover: what the new one must match. */
  expectedSas: string[];
  expectedBgp: string[];
};

export type RepointResult = { repointed: RouteRef[]; missing: RouteRef[] };

export function resultOf<T>(
  results: Readonly<Record<string, Json | undefined>>,
  stepId: string,
): T {
  const value = results[stepId];
  if (value === undefined || value === null || typeof value !== 'object') {
    throw new FlatnetError(
      'INTERNAL',
      `the result of step "${stepId}" is missing from this run's record`,
      'this run cannot continue safely: check the router by hand and start a new run',
    );
  }
  return value as unknown as T;
}

export const asJson = (value: object): Json => value as unknown as Json;

/** The new instance as `wait-running` saw it running: its interface and address are final then. */
export function newInstanceOf(results: Readonly<Record<string, Json | undefined>>): NewInstance {
  return resultOf<NewInstance>(results, 'wait-running');
}
