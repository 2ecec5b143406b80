/**
 * Who the monitor's runs are asked by, and whose approval they wait for (the inventory's policies).
 */
import type { Inventory, PolicyKind } from '../src/config/inventory-schema.js';
import { expandMembers } from '../src/config/resolve-policy.js';
import type { SubmitInput } from '../src/runbook/run-request.js';

/** Who the monitor's runs are asked by, in the run record and the thread. */
export const MONITOR_REQUESTER = 'flatnet-monitor';

/** The approval a run the monitor asks for waits for; throws when nobody could give it. */
export function policyApproval(
  inventory: Inventory,
  kind: PolicyKind,
  alternative?: string,
): NonNullable<SubmitInput['approval']> {
  const policy = inventory.policies[kind];
  if (!policy || policy.approvers.length === 0) {
    throw new Error(
      `no policies.${kind}.approvers in the inventory: nobody could approve the monitor's ` +
        `${kind} (add them${alternative ? `, or ${alternative}` : ''})`,
    );
  }
  return {
    approvers: expandMembers(inventory, policy.approvers),
    distinctApprovers: policy.distinctApprovers,
    allowSelfApproval: false,
    expiresInMs: policy.expiryMinutes * 60_000,
    approversLabel: policy.approvers.join(', '),
  };
}
