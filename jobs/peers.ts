/**
 * /vpn peers [--router R]: every WireGuard and site-to-site IPsec peer, read from the routers
 * in parallel, with last handshake or SA state. Read-only: anyone may ask, no lock.
 */
import { findRouter } from '../src/util/find-router.js';
import { BadInputError } from '../src/errors.js';
import { listPeers } from '../src/onboarding/list-peers.js';
import { describePeers, PEERS_STEPS } from '../src/report/peer-report.js';
import type { OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';
import { plural } from '../src/status/find-problems.js';

export function createPeersRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'peers',
    steps: [
      defineStep(PEERS_STEPS.list, {
        title: 'Read the peers of every router',
        async run(ctx) {
          const routers =
            ctx.run.target === '*' ? Object.keys(ctx.deps.inventory.routers) : [ctx.run.target];
          const all = await listPeers(ctx.deps, routers);
          const count = all.reduce((n, r) => n + r.peers.length, 0);
          return {
            result: all,
            detail: `${plural(count, 'peer')} on ${plural(routers.length, 'router')}`,
          };
        },
      }),
    ],
    summarize(run) {
      const all = resultIn(run, PEERS_STEPS.list);
      return all ? describePeers(all) : 'no peers read';
    },
  };
}

export const peersPlanner: RunRequestPlanner = {
  plan(command, { inventory }) {
    if (command.kind !== 'peers')
      throw new BadInputError(`peers cannot plan a ${command.kind} command`, 'use /vpn peers');
    if (command.router !== undefined) findRouter(inventory.routers, command.router);
    return { kind: 'peers', target: command.router ?? '*', params: {}, dryRun: false };
  },
};
