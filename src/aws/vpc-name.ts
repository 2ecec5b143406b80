/**
 * The name of a VPC the inventory does not list, as flatnet's words use it (`region/name` in
 * `/vpn reach`, the policy model and attach-vpc's tunnels): its own Name tag, else its gateway's,
 * else its id. One rule, so the attach-vpc plan and the reading of the world agree.
 */
import type { Tags } from './types.js';

export function unlistedVpcName(
  vpcId: string,
  vpc: { tags: Tags } | undefined,
  vgw: { tags: Tags } | undefined,
): string {
  return vpc?.tags['Name'] || vgw?.tags['Name'] || vpcId;
}
