/**
 * The default role's step in words: the plan line the approver reads and the summary's
 * warning when a router was left behind (src/policy/steps/carry-default-role.ts).
 */
import type {
  DefaultRoleChange,
  DefaultRolePlan,
  GroupDirection,
} from './steps/carry-default-role.js';
import { roleGroup } from './render-traffic-policy.js';

/** `Traffic policy: site/sakai (10.200.4.0/24) into FLATNET-ROLE-staging on every router …`. */
export function defaultRolePlanLine(
  plan: DefaultRolePlan | undefined,
  direction: GroupDirection,
): string[] {
  if (!plan?.role) return [];
  const how = direction === 'join' ? 'into' : 'out of';
  return [
    `Traffic policy: ${plan.network} (${plan.subnets.join(', ')}) ${how} ` +
      `${roleGroup(plan.role)} (traffic.defaultRole: the inventory does not list it) on every ` +
      'router that runs the policy, all or nothing',
  ];
}

/** The routers left behind, loudly: what they still do with the network and the fix. */
export function defaultRoleWarning(
  plan: DefaultRolePlan | undefined,
  change: DefaultRoleChange | undefined,
  direction: GroupDirection,
): string {
  if (!plan?.role || !change || change.leftBehind.length === 0) return '';
  const names = change.leftBehind.map((l) => l.router).join(', ');
  const s = change.leftBehind.length === 1 ? 's' : '';
  const still =
    direction === 'join'
      ? `keep${s} ${plan.network} closed both ways (not in ${roleGroup(plan.role)})`
      : `still hold${s} ${plan.network} in ${roleGroup(plan.role)}`;
  return (
    ` WARNING: ${names} did not answer and ${still}: ` +
    '/vpn policy apply once they answer (/vpn policy diff shows them).'
  );
}
