/** `/vpn remove-peer <name> [--router R]` as a run: the router, and approval per policy. */
import { resolvePolicy } from '../config/resolve-policy.js';
import { BadInputError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import { assertPeerName } from '../vyos/config-line.js';
import { chooseRouter } from './add-peer-request.js';

export const removePeerPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'remove-peer')
      throw new BadInputError(
        `remove-peer cannot plan a ${command.kind} command`,
        'use /vpn remove-peer',
      );
    assertPeerName(command.name);
    const router = chooseRouter(inventory, 'ipsec', command.router);
    const { approval } = resolvePolicy(inventory, 'remove-peer', requester);
    return {
      kind: 'remove-peer',
      target: command.name,
      params: { router },
      dryRun: command.dryRun,
      ...(approval ? { approval } : {}),
    };
  },
};
