/**
 * `/vpn remove-peer <name> [--router R]`: the reverse of add-peer. The peer's lines go with
 * commit-confirm (verified absent before confirming), from the hub and from its standby (or a
 * failover would bring it back), and its address returns to the pool. The run itself is the
 * audit entry (the engine's audit stream records who removed what, when).
 * Step code: src/onboarding.
 */
import {
  describeRemovePeerPlan,
  summarizeRemovePeer,
} from '../src/onboarding/describe-remove-peer.js';
import { findPeer } from '../src/onboarding/find-peer.js';
import type { OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import { removePeerFromRouter } from '../src/onboarding/remove-peer-from-router.js';
import { removePeerFromStandby } from '../src/onboarding/remove-peer-from-standby.js';
import { REMOVE_PEER_STEPS as S, routerOf } from '../src/onboarding/remove-peer-steps.js';
import { returnPeerAddress } from '../src/onboarding/return-peer-address.js';
import {
  carryDefaultRole,
  planDefaultRole,
  undoCarryDefaultRole,
} from '../src/policy/steps/carry-default-role.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';

export { removePeerPlanner } from '../src/onboarding/remove-peer-request.js';

export function createRemovePeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'remove-peer',
    whenBusy: 'wait',
    lockTarget: routerOf,
    alsoLocks: (run) => resultIn(run, S.planDefaultRole)?.routers ?? [],
    steps: [
      // Plan: on the router, or on its standby only; refuses a tunnel between flatnet's routers.
      defineStep(S.find, { title: 'Find the peer on the router', phase: 'plan', run: findPeer }),
      // A site the inventory does not list took traffic.defaultRole on every router (add-peer):
      // it gives it up first, so nothing is ever more open than before.
      defineStep(S.planDefaultRole, {
        title: "Find the role the site took (the inventory's default when it is not listed)",
        phase: 'plan',
        run: planDefaultRole((ctx) => {
          const found = ctx.result(S.find);
          return found.kind === 'ipsec'
            ? { label: `site/${ctx.run.target}`, subnets: found.subnets ?? [] }
            : undefined;
        }),
      }),
      defineStep(S.leaveDefaultRole, {
        title: "Take the site out of the default role's group on every router",
        run: carryDefaultRole(S.planDefaultRole, 'leave'),
        undo: undoCarryDefaultRole(S.planDefaultRole, S.leaveDefaultRole, 'leave'),
      }),
      defineStep(S.remove, {
        title: 'Remove the peer (commit-confirm, verify, confirm, save)',
        run: removePeerFromRouter,
      }),
      defineStep(S.removeStandby, {
        title: "Remove it from the hub's standby too (commit-confirm, verify, confirm, save)",
        run: removePeerFromStandby,
      }),
      defineStep(S.free, { title: 'Return its address to the pool', run: returnPeerAddress }),
    ],
    describePlan: describeRemovePeerPlan,
    summarize: summarizeRemovePeer,
  };
}
