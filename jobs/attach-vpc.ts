/**
 * `/vpn attach-vpc`: join a VPC to the hub through its AWS Virtual Private Gateway, and put
 * the same tunnels on the hub's warm standby, so that a failover keeps the VPC (a standby that
 * is down is left behind loudly; a re-run of this command brings it up to date).
 *
 * Running it again for the same VPC changes nothing: the plan finds the connection and the
 * hub's tunnels to its outside addresses, and every step looks before it acts. Undo removes
 * the hub's configuration and leaves the AWS objects for the next run to reuse.
 * Step code: src/attach-vpc.
 */
import {
  DEFAULT_CONFIRM_MINUTES,
  DEFAULT_TUNNEL_WAIT,
  type AttachVpcDeps,
  type AttachVpcOptions,
} from '../src/attach-vpc/attach-deps.js';
import { ATTACH_VPC_STEPS as S } from '../src/attach-vpc/attach-vpc-steps.js';
import { awaitTunnels } from '../src/attach-vpc/await-tunnels.js';
import { configureHub, removeHubTunnels } from '../src/attach-vpc/configure-hub.js';
import {
  configureStandbyTunnels,
  removeStandbyTunnels,
} from '../src/attach-vpc/configure-standby.js';
import {
  createCustomerGateway,
  createVpnConnection,
  keepCustomerGateway,
  keepVpnConnection,
} from '../src/attach-vpc/create-aws-side.js';
import { describeAttachPlan, summarizeAttachment } from '../src/attach-vpc/describe-attachment.js';
import {
  propagateRoutes,
  routeHubVpcToVpc,
  stopPropagatingRoutes,
  unrouteHubVpcToVpc,
} from '../src/attach-vpc/propagate-routes.js';
import { ROUTE_HUB_VPC_TITLE } from '../src/onboarding/route-hub-vpc.js';
import { resolveVpc, unlistedVpcOf } from '../src/attach-vpc/resolve-vpc.js';
import {
  carryDefaultRole,
  planDefaultRole,
  undoCarryDefaultRole,
} from '../src/policy/steps/carry-default-role.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';
import { sleep as pause } from '../src/util/wait-for.js';

export { attachVpcPlanner } from '../src/attach-vpc/attach-vpc-planner.js';
export type { AttachVpcDeps, AttachVpcOptions } from '../src/attach-vpc/attach-deps.js';

export function createAttachVpcRunbook(options: AttachVpcOptions = {}): Runbook<AttachVpcDeps> {
  const wait = { ...DEFAULT_TUNNEL_WAIT, ...options.tunnelWait };
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? pause;
  const hub = { confirmMinutes: options.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES };
  return {
    kind: 'attach-vpc',
    steps: [
      // Plan: the VGW, the hub, the ASNs, and whether it is attached already.
      defineStep(S.resolve, {
        title: "Find the VPC's gateway and the hub",
        phase: 'plan',
        run: resolveVpc,
      }),
      // Plan: a VPC the inventory does not list takes traffic.defaultRole on every router.
      defineStep(S.planDefaultRole, {
        title: "Find the role the VPC takes (the inventory's default when it is not listed)",
        phase: 'plan',
        run: planDefaultRole((ctx) => unlistedVpcOf(ctx.result(S.resolve))),
      }),
      // The AWS side: both are reused when they exist, and kept by the undo (a re-run reuses them).
      defineStep(S.customerGateway, {
        title: 'Create (or reuse) the customer gateway for the hub',
        run: createCustomerGateway,
        undo: keepCustomerGateway,
      }),
      defineStep(S.vpnConnection, {
        title: 'Create (or reuse) the VPN connection to the VGW',
        run: createVpnConnection,
        undo: keepVpnConnection,
      }),
      // The hub and its standby: AWS's generated parameters, read here and never saved.
      defineStep(S.configureHub, {
        title: 'Configure two VTI tunnels with BGP on the hub',
        run: configureHub(hub),
        undo: removeHubTunnels(hub),
      }),
      defineStep(S.configureStandby, {
        title: "Configure the same tunnels on the hub's standby",
        run: configureStandbyTunnels(hub),
        undo: removeStandbyTunnels(hub),
      }),
      // Every router that runs the traffic policy filters the VPC's packets (a spoke's too):
      // all of them judge it by the default role from now on (carry-default-role.ts).
      defineStep(S.joinDefaultRole, {
        title: "Put the VPC in the default role's group on every router that runs the policy",
        run: carryDefaultRole(S.planDefaultRole, 'join'),
        undo: undoCarryDefaultRole(S.planDefaultRole, S.joinDefaultRole, 'join'),
      }),
      // Without propagation the tunnels are up and nothing returns.
      defineStep(S.propagateRoutes, {
        title: "Let the VPC's route tables learn the flat network from the VGW (route propagation)",
        run: propagateRoutes,
        undo: stopPropagatingRoutes,
      }),
      // The hub VPC sends the new VPC (and whatever else the hub serves) to the hub router.
      defineStep(S.routeHubVpc, {
        title: ROUTE_HUB_VPC_TITLE,
        run: routeHubVpcToVpc,
        undo: unrouteHubVpcToVpc,
      }),
      defineStep(S.awaitTunnels, {
        title: 'Wait for both tunnels UP and BGP established',
        run: awaitTunnels(wait, clock, sleep),
      }),
    ],
    // The hub is what changes: one run at a time on it (two would race for VTI numbers).
    lockTarget: (run) => resultIn(run, S.resolve)?.hub,
    // The routers the default role's step may change, held for the run like a policy apply's.
    alsoLocks: (run) => resultIn(run, S.planDefaultRole)?.routers ?? [],
    describePlan: describeAttachPlan,
    summarize: summarizeAttachment,
  };
}
