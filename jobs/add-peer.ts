/**
 * `/vpn add-peer`: a developer's WireGuard peer or a site's IPsec peer on the hub, and the same
 * peer on the hub's warm standby, so that a failover keeps it. A standby that is down is left
 * behind LOUDLY (a note and the summary), without blocking the person (reach-standby.ts).
 * Runs queue on their router behind each other (whenBusy: 'wait'), so twenty at once all land.
 * Step code: src/onboarding.
 */
import {
  addPeerParams,
  checkKeyBeforeRun,
  planAddPeer,
} from '../src/onboarding/add-peer-request.js';
import type { Logger } from '../src/log.js';
import type { FleetKeyReader } from '../src/onboarding/read-fleet-keys.js';
import { ADD_PEER_STEPS as S } from '../src/onboarding/add-peer-steps.js';
import { checkAddPeer } from '../src/onboarding/check-add-peer.js';
import { configurePeer, removeConfiguredPeer } from '../src/onboarding/configure-peer.js';
import {
  configureStandbyPeer,
  removeStandbyPeer,
} from '../src/onboarding/configure-standby-peer.js';
import { deliverClientFiles } from '../src/onboarding/deliver-client-files.js';
import { describeAddPeerPlan, summarizeAddPeer } from '../src/onboarding/describe-add-peer.js';
import type { OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import { ROUTE_HUB_VPC_TITLE } from '../src/onboarding/route-hub-vpc.js';
import { routeNewPeer, unrouteNewPeer } from '../src/onboarding/route-new-peer.js';
import {
  releaseTunnelAddress,
  reserveTunnelAddress,
} from '../src/onboarding/reserve-tunnel-address.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import {
  carryDefaultRole,
  planDefaultRole,
  undoCarryDefaultRole,
} from '../src/policy/steps/carry-default-role.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';

export function createAddPeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'add-peer',
    whenBusy: 'wait',
    lockTarget: (run) => addPeerParams(run).router,
    // The routers the default role's step may change, held for the run like a policy apply's.
    alsoLocks: (run) => resultIn(run, S.planDefaultRole)?.routers ?? [],
    steps: [
      // Plan: the name, key, remote and subnets against the router and its standby.
      defineStep(S.check, {
        title: 'Check the name, key and subnets against the router',
        phase: 'plan',
        run: checkAddPeer,
      }),
      // Plan: a site the inventory does not list takes traffic.defaultRole on every router.
      defineStep(S.planDefaultRole, {
        title: "Find the role the site takes (the inventory's default when it is not listed)",
        phase: 'plan',
        run: planDefaultRole((ctx) => {
          const params = addPeerParams(ctx.run);
          return params.kind === 'ipsec'
            ? { label: `site/${ctx.run.target}`, subnets: params.subnets }
            : undefined;
        }),
      }),
      // A WireGuard pool lease in Redis, or the site's VTI.
      defineStep(S.reserve, {
        title: 'Reserve the tunnel address',
        run: reserveTunnelAddress,
        undo: releaseTunnelAddress,
      }),
      // A generated WireGuard key is sent from inside this step: it is never stored.
      defineStep(S.configure, {
        title: 'Add the peer on the router (commit-confirm, verify, confirm, save)',
        run: configurePeer,
        undo: removeConfiguredPeer,
      }),
      // The standby binds its own local-address; a standby that is down is reported.
      defineStep(S.configureStandby, {
        title: "Add the same peer on the hub's standby (commit-confirm, verify, confirm, save)",
        run: configureStandbyPeer,
        undo: removeStandbyPeer,
      }),
      // Every router that runs the traffic policy filters the site's packets: all of them
      // judge it by the default role from now on (src/policy/steps/carry-default-role.ts).
      defineStep(S.joinDefaultRole, {
        title: "Put the site in the default role's group on every router that runs the policy",
        run: carryDefaultRole(S.planDefaultRole, 'join'),
        undo: undoCarryDefaultRole(S.planDefaultRole, S.joinDefaultRole, 'join'),
      }),
      // The hub VPC sends the peer's networks to the hub router.
      defineStep(S.routeHubVpc, {
        title: ROUTE_HUB_VPC_TITLE,
        run: routeNewPeer,
        undo: unrouteNewPeer,
      }),
      // The client files go privately; the address is recorded as the peer's.
      defineStep(S.deliver, {
        title: 'Send the client configuration privately',
        run: deliverClientFiles,
      }),
    ],
    describePlan: describeAddPeerPlan,
    summarize: summarizeAddPeer,
  };
}

/**
 * `/vpn add-peer …` as a run: inventory checks at once, a given key against every key the
 * routers hold (`fleetKeys`) before the run exists, self-service or approval per policy.
 */
export function createAddPeerPlanner(
  fleetKeys?: FleetKeyReader,
  logger?: Logger,
): RunRequestPlanner {
  return {
    plan: (command, { inventory, requester }) => planAddPeer(command, inventory, requester),
    ...(fleetKeys
      ? {
          checkBeforeRun: (planned) =>
            checkKeyBeforeRun(planned, fleetKeys, (routers) =>
              logger?.warn(
                { routers },
                'a --pubkey was not compared with routers never read and not answering now',
              ),
            ),
        }
      : {}),
  };
}
