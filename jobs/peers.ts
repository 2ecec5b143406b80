/**
 * /vpn peers [--router R]: every WireGuard and site-to-site IPsec peer, read from the routers
 * in parallel, with last handshake or SA state. Read-only: anyone may ask, no lock.
 */
import { BadInputError } from '../src/errors.js';
import { describePeers, listPeers, type RouterPeers } from '../src/onboarding/list-peers.js';
import type { OnboardingDeps } from '../src/onboarding/onboarding-deps.js';
import type { RunRequestPlanner } from '../src/runbook/run-request.js';
import type { Json, Runbook } from '../src/runbook/types.js';

export function createPeersRunbook(): Runbook<OnboardingDeps> {
  return {
    kind: 'peers',
    steps: [
      {
        id: 'list',
        title: 'Read the peers of every router',
        phase: 'execute',
        async run(ctx) {
          const routers =
            ctx.run.target === '*' ? Object.keys(ctx.deps.inventory.routers) : [ctx.run.target];
          const all = await listPeers(ctx.deps, routers);
          const count = all.reduce((n, r) => n + r.peers.length, 0);
          return {
            result: all as unknown as Json,
            detail: `${count} peers on ${routers.length} routers`,
          };
        },
      },
    ],
    summarize(run) {
      const all = run.steps[0]?.result as unknown as RouterPeers[] | undefined;
      return all ? describePeers(all) : 'no peers read';
    },
  };
}

export const peersPlanner: RunRequestPlanner = {
  plan(command, { inventory }) {
    if (command.kind !== 'peers')
      throw new BadInputError(`peers cannot plan a ${command.kind} command`, 'use /vpn peers');
    if (command.router !== undefined && !Object.hasOwn(inventory.routers, command.router)) {
      throw new BadInputError(
        `there is no router named ${JSON.stringify(command.router.slice(0, 40))}`,
        `routers: ${Object.keys(inventory.routers).join(', ')}`,
      );
    }
    return { kind: 'peers', target: command.router ?? '*', params: {}, dryRun: false };
  },
};
