/**
 * `/vpn remove-peer <name> [--router R]` as a run, and `/vpn reissue-peer` beside it: a peer
 * by name on one router, with approval per policy.
 */
import type { Inventory, PolicyKind } from '../config/inventory-schema.js';
import { resolvePolicy } from '../config/resolve-policy.js';
import { BadInputError } from '../errors.js';
import type { Command } from '../grammar/command.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import type { PlannedRun } from '../runbook/run-request.js';
import { assertPeerName } from '../vyos/config-line.js';
import { chooseRouter } from './add-peer-request.js';

type PeerCommand = Extract<Command, { kind: 'remove-peer' | 'reissue-peer' }>;

/** The run for a command that names an existing peer: its router, and who must approve. */
export function planPeerRun(
  command: Command,
  expected: PeerCommand['kind'],
  context: { inventory: Inventory; requester: string },
  how: { peerType: 'wireguard' | 'ipsec'; policy: PolicyKind },
): PlannedRun {
  if (command.kind !== expected)
    throw new BadInputError(
      `${expected} cannot plan a ${command.kind} command`,
      `use /vpn ${expected}`,
    );
  assertPeerName(command.name);
  const router = chooseRouter(context.inventory, how.peerType, command.router);
  const { approval } = resolvePolicy(context.inventory, how.policy, context.requester);
  return {
    kind: expected,
    target: command.name,
    params: { router },
    dryRun: 'dryRun' in command ? command.dryRun : false,
    ...(approval ? { approval } : {}),
  };
}

export const removePeerPlanner: RunRequestPlanner = {
  plan: (command, context) =>
    planPeerRun(command, 'remove-peer', context, { peerType: 'ipsec', policy: 'remove-peer' }),
};
