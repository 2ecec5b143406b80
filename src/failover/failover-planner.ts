/**
 * How `/router failover|failback <primary> [--dry-run]` becomes a run: the router must be a
 * primary with a standby and an Elastic IP (answered in Slack at once), and the approval
 * comes from the inventory's policy. The live checks (standby health, peers) are the plan
 * step's, which reads the real world.
 */
import { resolvePolicy } from '../config/resolve-policy.js';
import { FlatnetError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import type { FailoverDirection } from './failover-steps.js';
import { findRouterPair } from './find-router-pair.js';

export function failoverPlanner(direction: FailoverDirection): RunRequestPlanner {
  return {
    plan(command, { inventory, requester }) {
      if (command.kind !== direction)
        throw new FlatnetError(
          'INTERNAL',
          `the ${direction} planner was given a ${command.kind} command`,
          'this is a flatnet bug in the command wiring',
        );
      const pair = findRouterPair(inventory, command.router, direction);
      const { approval } = resolvePolicy(inventory, direction, requester);
      return {
        kind: direction,
        target: pair.primary,
        params: {},
        dryRun: command.dryRun,
        ...(approval ? { approval } : {}),
      };
    },
  };
}
