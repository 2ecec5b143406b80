/**
 * A status run's report (the VGW telemetry) and its reachability read ask EC2 the same question
 * at the same moment: one DescribeVpnConnections a region answers both. Each EC2 call costs the
 * worker a signed request and an XML response to parse (2–4 ms of CPU here), on the path of a
 * `/vpn status` that should take one round trip to the routers.
 */
import type { VpnConnection } from '../aws/types.js';
import type { ReachCloud } from '../reach/reach-ports.js';

export function shareVpnConnections(cloud: ReachCloud): ReachCloud {
  const asked = new Map<string, Promise<VpnConnection[]>>();
  return {
    findRouterInstances: (region, query) => cloud.findRouterInstances(region, query),
    describeRouteTables: (region) => cloud.describeRouteTables(region),
    describeVpnGateways: (region) => cloud.describeVpnGateways(region),
    describeVpcs: (region, ids) => cloud.describeVpcs(region, ids),
    describeVpnConnections(region) {
      let answer = asked.get(region);
      if (!answer) asked.set(region, (answer = cloud.describeVpnConnections(region)));
      return answer;
    },
  };
}
