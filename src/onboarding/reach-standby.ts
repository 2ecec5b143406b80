/**
 * A hub's warm standby, as an onboarding change sees it: the same peers as the primary with its
 * own private address, so that `/router failover` only has to move the Elastic IP and the
 * routes. Every onboarding change (add-peer, remove-peer, attach-vpc) is applied to the
 * standby in the same run; this reads who the standby is and whether it can be configured now.
 *
 * The choice when it cannot (stopped, or not answering over SSH): the primary's change stands
 * and the run says so loudly (a note in the thread and the summary), because a standby that is
 * down must not stop a developer from getting onto the VPN. It is never silent: the failover
 * plan refuses while the standby lacks a site peer, and the summary names the fix. A standby
 * that answers but refuses the change is a different thing (the pair has drifted apart): that
 * fails the run, and the engine undoes the primary's change too.
 */
import { z } from 'zod';
import type { Cloud } from '../aws/index.js';
import type { Inventory } from '../config/inventory-schema.js';
import { describeError } from '../errors.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { ConfigLine } from '../vyos/types.js';

export interface StandbyDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  cloud: Pick<Cloud, 'describeInstance'>;
}

export type StandbyReach =
  | { kind: 'none' }
  | { kind: 'ready'; name: string; privateIp: string; lines: ConfigLine[] }
  | { kind: 'unavailable'; name: string; reason: string };

/** What a standby step records: plain data, read by the summary and by the undo. */
export const standbyResult = z.object({
  standby: z.string().nullable(),
  /** This step committed lines on the standby (so its undo must take them off). */
  applied: z.boolean(),
  /** Why the standby was left as it was; null when it was updated (or there is none). */
  notUpdated: z.string().nullable(),
  privateIp: z.string().nullable(),
});
export type StandbyResult = z.infer<typeof standbyResult>;

export const standbyNameOf = (inventory: Inventory, primary: string): string | undefined =>
  inventory.routers[primary]?.standby;

/** Who the standby is, whether it runs, and its running configuration when it answers. */
export async function reachStandby(deps: StandbyDeps, primary: string): Promise<StandbyReach> {
  const name = standbyNameOf(deps.inventory, primary);
  const entry = name === undefined ? undefined : deps.inventory.routers[name];
  if (name === undefined) return { kind: 'none' };
  if (!entry) return { kind: 'unavailable', name, reason: `${name} is not in the inventory` };
  let privateIp: string;
  try {
    const instance = await deps.cloud.describeInstance(entry.region, entry.instanceId);
    // A stopped standby has no SSH to configure it over; EC2 says so faster than a timeout.
    if (instance.state !== 'running')
      return {
        kind: 'unavailable',
        name,
        reason: `${name} (${entry.instanceId}) is ${instance.state}`,
      };
    privateIp = instance.privateIp;
  } catch (err) {
    return {
      kind: 'unavailable',
      name,
      reason: `EC2 could not describe ${name} (${firstLine(err)})`,
    };
  }
  try {
    const lines = await deps.routers.router(name).runningConfig();
    return { kind: 'ready', name, privateIp, lines };
  } catch (err) {
    return {
      kind: 'unavailable',
      name,
      reason: `${name} does not answer over SSH (${firstLine(err)})`,
    };
  }
}

const firstLine = (err: unknown): string => describeError(err).split('\n')[0] ?? 'unknown error';

/**
 * The warning for a standby left behind, in the operator's words: what a failover would drop,
 * and how to put it right. Empty when the standby was updated.
 */
export function standbyWarning(
  result: StandbyResult | undefined,
  consequence: string,
  fix: string,
): string {
  if (!result?.notUpdated || !result.standby) return '';
  return (
    `WARNING: the standby ${result.standby} was not updated ` +
    `(${result.notUpdated}): ${consequence} until you ${fix}.`
  );
}
