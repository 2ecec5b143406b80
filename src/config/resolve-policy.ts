/**
 * Who may ask for a runbook and whether a second person must approve it, from the
 * inventory's policies. Groups are flatnet's own (inventory `groups:`), expanded here to
 * Slack user ids so the approval check on a click is a plain membership test.
 */
import type { Inventory, PolicyKind } from '../config/inventory-schema.js';
import { FlatnetError } from '../errors.js';
import type { SubmitInput } from '../runbook/run-request.js';

export interface ResolvedPolicy {
  /** Null when the requester may run it alone (self-service). */
  approval: NonNullable<SubmitInput['approval']> | null;
}

export function expandMembers(inventory: Inventory, names: string[]): string[] {
  const users = names.flatMap(
    (n) => inventory.groups[n] ?? (/^[UW][A-Z0-9]{2,}$/.test(n) ? [n] : []),
  );
  return [...new Set(users)];
}

export function resolvePolicy(
  inventory: Inventory,
  kind: PolicyKind,
  requester: string,
): ResolvedPolicy {
  const policy = inventory.policies[kind];
  if (!policy) {
    // No policy written: the safe default for anything that changes the network is approval
    // by the hub's approvers, which must then be configured.
    throw new FlatnetError(
      'FORBIDDEN',
      `no policy for ${kind} in the inventory`,
      `add policies.${kind}: { approvers: [network-approvers] } to the inventory`,
    );
  }
  if (
    policy.requesters.length > 0 &&
    !expandMembers(inventory, policy.requesters).includes(requester)
  ) {
    throw new FlatnetError(
      'FORBIDDEN',
      `<@${requester}> may not ask for ${kind}`,
      `ask a member of ${policy.requesters.join(', ')}, or ` +
        `have yourself added to policies.${kind}.requesters`,
    );
  }
  if (expandMembers(inventory, policy.selfService).includes(requester)) return { approval: null };
  const approvers = expandMembers(inventory, policy.approvers);
  const eligible = policy.allowSelfApproval ? approvers : approvers.filter((u) => u !== requester);
  if (eligible.length < policy.distinctApprovers) {
    throw new FlatnetError(
      'FORBIDDEN',
      `${kind} needs ${policy.distinctApprovers} approver(s) ` +
        `other than you, and the inventory names ${eligible.length}`,
      `add people to ${policy.approvers.join(', ') || `policies.${kind}.approvers`}`,
    );
  }
  return {
    approval: {
      approvers,
      distinctApprovers: policy.distinctApprovers,
      allowSelfApproval: policy.allowSelfApproval,
      expiresInMs: policy.expiryMinutes * 60_000,
      // Named in refusals: "only members of network-approvers may approve scaleup runs".
      approversLabel: policy.approvers.join(', '),
    },
  };
}
