/**
 * How `/vpn attach-vpc <vpc-id|vgw-id> --region R [--dry-run]` becomes a run: the id and region
 * are checked against the inventory, the hub must exist, and the policy decides who approves.
 * Whether the VPC has a VGW and whether it is attached already is the plan step's business:
 * only AWS knows, and a command handler never talks to AWS.
 */
import { resolvePolicy } from '../config/resolve-policy.js';
import { BadInputError, FlatnetError } from '../errors.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import { findHubRouter } from './find-hub-router.js';
import { checkRegion } from './resolve-attachment.js';

const VPC_OR_VGW = /^(vpc|vgw)-[0-9a-f]{8,17}$/;

export const attachVpcPlanner: RunRequestPlanner = {
  plan(command, { inventory, requester }) {
    if (command.kind !== 'attach-vpc')
      throw new FlatnetError(
        'INTERNAL',
        `the attach-vpc planner was given a ${command.kind} command`,
        'this is a flatnet bug in the command wiring',
      );
    if (!VPC_OR_VGW.test(command.id))
      throw new BadInputError(
        `${JSON.stringify(command.id.slice(0, 40))} is not a VPC or VPN gateway id`,
        'ids look like vpc-0abc12345 or vgw-0abc12345',
      );
    checkRegion(inventory, command.region);
    findHubRouter(inventory);
    const { approval } = resolvePolicy(inventory, 'attach-vpc', requester);
    return {
      kind: 'attach-vpc',
      target: command.id,
      params: { region: command.region },
      dryRun: command.dryRun,
      ...(approval ? { approval } : {}),
    };
  },
};
