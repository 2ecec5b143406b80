/**
 * `/vpn reissue-peer <name> [--router R]`: a new client file for an existing WireGuard peer
 * (same key, same address, today's AllowedIPs), sent privately. Read-only on the routers.
 * Step code: src/onboarding/reissue-peer.ts.
 */
import { z } from 'zod';
import type { OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import { deliverReissuedFile, findWireguardPeer } from '../src/onboarding/reissue-peer.js';
import { defineStep } from '../src/runbook/define-step.js';
import { stepRef } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';

export { reissuePeerPlanner } from '../src/onboarding/reissue-peer.js';

const REISSUE_STEPS = {
  find: stepRef(
    'find',
    z.object({ router: z.string(), address: z.string(), publicKey: z.string() }),
  ),
  deliver: stepRef('deliver'),
} as const;

export function createReissuePeerRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'reissue-peer',
    steps: [
      defineStep(REISSUE_STEPS.find, {
        title: 'Read the peer from the router (its key and address)',
        phase: 'plan',
        run: findWireguardPeer,
      }),
      defineStep(REISSUE_STEPS.deliver, {
        title: 'Send the new client configuration privately',
        run: deliverReissuedFile((ctx) => ctx.result(REISSUE_STEPS.find)),
      }),
    ],
    summarize(run) {
      const delivered =
        run.origin.kind === 'cli'
          ? `was written to .flatnet/out/${run.id} (mode 0600)`
          : `went privately to <@${run.requester}>`;
      return (
        `a new client configuration for ${run.target} ` +
        `${delivered}; nothing changed on the router.`
      );
    },
  };
}
