/**
 * How `/vpn sync-standby [router] [--dry-run]` becomes a run: the pair is found at once (an
 * unknown router or one without a standby is answered in Slack), the run targets the pair's
 * primary, which is the name every run that moves the pair's traffic locks, so a sync never
 * interleaves with a failover or a scale-up. Approval: `policies.sync-standby`, or, when the
 * inventory has none, `policies.failover`: who may move the pair's traffic may change its
 * standby.
 */
import { resolvePolicy } from '../config/resolve-policy.js';
import { FlatnetError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import { findStandbyPair } from './find-standby-pair.js';

export const syncStandbyPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'sync-standby')
      throw new FlatnetError(
        'INTERNAL',
        `the sync-standby planner was given a ${command.kind} command`,
        'this is a flatnet bug in the command wiring',
      );
    const pair = findStandbyPair(inventory, command.router);
    const policy = inventory.policies['sync-standby'] ? 'sync-standby' : 'failover';
    const { approval } = resolvePolicy(inventory, policy, requester);
    return {
      kind: 'sync-standby',
      target: pair.primary,
      params: {},
      dryRun: command.dryRun,
      ...(approval ? { approval } : {}),
    };
  },
};
