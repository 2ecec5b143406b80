/**
 * A network the inventory does not list (a site onboarded by `/vpn add-peer`), put in the
 * network-group of `traffic.defaultRole` on one router, or taken out of it again, so the rule
 * set the router runs judges the network as the inventory's default says, at once and not at
 * the next `/vpn policy apply` (docs/traffic-policy.md, "A new network takes the default role").
 *
 * The lines are rendered by the apply's own `renderRoleGroup`, from the group the router runs
 * now plus (or minus) the network's subnets, and changed with the apply's own diff: the same
 * words as an apply would type, and only the one group is touched (an apply's other changes,
 * such as a rule edited in the inventory since, wait for the apply). A router without the
 * group gets nothing: it runs no policy (or has not been applied yet: the next apply renders the
 * network from the model, src/policy/onboarded-sites.ts), or no rule names the default role,
 * and then the network is dropped both ways whether it is in the group or not.
 */
import { diffTrafficPolicy } from './diff-traffic-policy.js';
import { renderRoleGroup, roleGroup } from './render-traffic-policy.js';
import type { ConfigLine } from '../vyos/types.js';

const groupLines = (current: readonly ConfigLine[], role: string): ConfigLine[] => {
  const at = ['firewall', 'group', 'network-group', roleGroup(role)];
  return current.filter((l) => l.op === 'set' && at.every((w, i) => l.path[i] === w));
};

/** The networks of the role's group on a router; undefined when it has no such group. */
export function roleGroupNetworks(
  current: readonly ConfigLine[],
  role: string,
): string[] | undefined {
  const have = groupLines(current, role);
  if (have.length === 0) return undefined;
  return have.flatMap((l) => (l.path[4] === 'network' && l.value ? [l.value] : []));
}

function changeGroup(
  current: readonly ConfigLine[],
  role: string,
  change: (networks: string[]) => string[],
): ConfigLine[] {
  const networks = roleGroupNetworks(current, role);
  if (networks === undefined) return [];
  return diffTrafficPolicy(groupLines(current, role), renderRoleGroup(role, change(networks)));
}

/** The lines that put `subnets` in the role's group (none when there, or no group). */
export function joinRoleGroupLines(
  current: readonly ConfigLine[],
  role: string,
  subnets: readonly string[],
): ConfigLine[] {
  return changeGroup(current, role, (networks) => [
    ...networks,
    ...subnets.filter((s) => !networks.includes(s)),
  ]);
}

/** The lines that take `subnets` out of the role's group (none when not there, or no group). */
export function leaveRoleGroupLines(
  current: readonly ConfigLine[],
  role: string,
  subnets: readonly string[],
): ConfigLine[] {
  return changeGroup(current, role, (networks) => networks.filter((n) => !subnets.includes(n)));
}
