/**
 * VPCs attached by `/vpn attach-vpc` that the inventory does not list, as networks of the policy
 * model, so that `allows` judges their addresses as the routers do instead of calling them
 * `outside` (which it lets through) — the VPC counterpart of onboarded-sites.ts.
 *
 * They are read from the world as `/vpn reach` reads it (src/reach/read-reach-state.ts): a VGW
 * with a VPN connection on it, whose VPC the inventory does not list, with its ranges from EC2
 * (DescribeVpcs). Their role is `traffic.defaultRole`: attach-vpc's `join-default-role` step put
 * the ranges into that role's network-group on every router running the policy
 * (src/policy/steps/carry-default-role.ts), and the apply renders the same from this model.
 * Without a defaultRole the VPC is `unassigned`: in no group, closed both ways by the rule set's
 * `default-action drop`.
 */
import type { TrafficPolicy } from '../config/traffic-policy.js';
import type { ReachVpc } from '../reach/reach-state.js';
import { withUnlistedNetworks } from './onboarded-sites.js';

/** The policy with the attached VPCs of `vpcs` that the inventory does not list. */
export function withOnboardedVpcs(policy: TrafficPolicy, vpcs: readonly ReachVpc[]): TrafficPolicy {
  return withUnlistedNetworks(
    policy,
    vpcs
      .filter((v) => v.listed === false)
      .map((v) => ({
        label: `${v.region}/${v.name}`,
        kind: 'vpc' as const,
        cidrs: v.cidrs ?? [v.cidr],
        path: `${v.id}, attached through its VGW (not under regions.${v.region}.vpcs)`,
      })),
  );
}
