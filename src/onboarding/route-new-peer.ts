/**
 * add-peer's `route-hub-vpc` step: the new peer's networks (the WireGuard pool, or the site's
 * subnets) are routed to the hub in the hub VPC's route tables (src/onboarding/route-hub-vpc.ts).
 */
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS } from './add-peer-steps.js';
import type { OnboardingDeps } from './onboarding-deps.js';
import { deleteCreatedHubVpcRoutes, routeHubVpc } from './route-hub-vpc.js';
import { poolRefOf } from './wireguard-pool.js';

export const routeNewPeer = routeHubVpc<OnboardingDeps>((ctx) => {
  const params = addPeerParams(ctx.run);
  return {
    hub: params.router,
    destinations:
      params.kind === 'wireguard'
        ? [poolRefOf(ctx.deps.inventory, params.router).pool]
        : params.subnets,
  };
});

export const unrouteNewPeer = deleteCreatedHubVpcRoutes<OnboardingDeps>(ADD_PEER_STEPS.routeHubVpc);
