/**
 * How `/router scaleup|scaledown <router> [--type T] [--dry-run]` becomes a run: the router
 * must exist and not be a standby, and the approval comes from the inventory's policy. The
 * facts (type, ladder, AMI) are checked by the plan step, which reads the real world.
 */
import { findRouter } from '../util/find-router.js';
import { resolvePolicy } from '../config/resolve-policy.js';
import { BadInputError, FlatnetError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import type { Json } from '../runbook/types.js';
import type { ScaleDirection } from './choose-target-type.js';

export function scalePlanner(direction: ScaleDirection): RunRequestPlanner {
  const kind = direction === 'up' ? 'scaleup' : 'scaledown';
  return {
    plan(command, { inventory, requester }) {
      if (command.kind !== kind)
        throw new FlatnetError(
          'INTERNAL',
          `the ${kind} planner was given a ${command.kind} command`,
          'this is a flatnet bug in the command wiring',
        );
      const name = command.router;
      const entry = findRouter(inventory.routers, name);
      if (entry.role === 'standby') {
        const primary = Object.entries(inventory.routers).find(([, r]) => r.standby === name)?.[0];
        throw new BadInputError(
          `${name} is a standby router`,
          primary
            ? `scale the primary: /router ${kind} ${primary}`
            : `/router ${kind} works on primary routers`,
        );
      }
      if (!entry.elasticIp)
        throw new BadInputError(
          `${name} has no Elastic IP in the inventory`,
          `add routers.${name}.elasticIp: { allocationId, publicIp }`,
        );
      const { approval } = resolvePolicy(inventory, kind, requester);
      const params: Record<string, Json> = command.type ? { type: command.type } : {};
      return {
        kind,
        target: name,
        params,
        dryRun: command.dryRun,
        ...(approval ? { approval } : {}),
      };
    },
  };
}
