/**
 * Every runbook flatnet can run, and the planner that turns each command into a run. A
 * command whose planner is not registered here answers "coming soon" in help and in Slack.
 */
import type { RedisClient } from '../util/redis-client.js';
import type { Cloud } from '../aws/index.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { Command } from '../grammar/command.js';
import type { Logger } from '../log.js';
import type { RunRequestPlanner } from '../grammar/run-request-planner.js';
import type { RunKind, Runbook } from '../runbook/types.js';
import type { RouterPool } from '../vyos/router-pool.js';
import type { ChatPort } from '../slack/chat-port.js';
import { createStatusRunbook, statusPlanner } from '../../jobs/status.js';
import { createReachRunbook, reachPlanner } from '../../jobs/reach.js';
import { createAddPeerPlanner, createAddPeerRunbook } from '../../jobs/add-peer.js';
import type { FleetKeyReader } from '../onboarding/read-fleet-keys.js';
import { createRemovePeerRunbook, removePeerPlanner } from '../../jobs/remove-peer.js';
import { createPeersRunbook, peersPlanner } from '../../jobs/peers.js';
import { createReissuePeerRunbook, reissuePeerPlanner } from '../../jobs/reissue-peer.js';
import { attachVpcPlanner, createAttachVpcRunbook } from '../../jobs/attach-vpc.js';
import {
  scaledownPlanner,
  scaledownRunbook,
  scaleupPlanner,
  scaleupRunbook,
} from '../../jobs/scaleup.js';
import {
  failbackCommandPlanner,
  failbackRunbook,
  failoverCommandPlanner,
  failoverRunbook,
} from '../../jobs/failover.js';
import type { FailoverDeps } from '../failover/failover-deps.js';
import type { ScaleDeps } from '../scaleup/scale-deps.js';
import {
  createRouterStatusRunbook,
  routerStatusPlanner,
  type RouterStatusDeps,
} from '../../jobs/router-status.js';
import { withDeps } from '../runbook/with-deps.js';
import { syncStandbyPlanner, syncStandbyRunbook } from '../../jobs/sync-standby.js';
import type { SyncStandbyDeps } from '../failover/sync-standby-steps.js';
import { TargetLock } from '../runbook/target-lock.js';
import {
  createPolicyDiffRunbook,
  createPolicyShowRunbook,
  policyPlanner,
} from '../../jobs/policy.js';
import { policyApplyRunbook } from '../../jobs/policy-apply.js';
import type { PolicyDeps } from '../policy/policy-steps.js';

/** Everything a runbook step may use; each runbook declares the subset it needs. */
export interface RunbookDeps {
  inventory: Inventory;
  routers: RouterPool;
  cloud: Cloud;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  /** Direct messages to people (client configurations); absent for runs started without Slack. */
  chat?: ChatPort;
  /** The scale-up runbook's own dependencies (replacement instances, router facts). */
  scale: ScaleDeps;
  /** Each router's instance as EC2 said when the run was planned (the run's router snapshot). */
  instances?: Record<string, { instanceId: string; state: string; privateIp: string | null }>;
}

const scaleOf = (deps: RunbookDeps): ScaleDeps => deps.scale;
const syncStandbyOf = (deps: RunbookDeps): SyncStandbyDeps => ({
  inventory: deps.inventory,
  cloud: deps.cloud,
  routers: deps.routers,
});
const policyOf = (deps: RunbookDeps): PolicyDeps => ({
  inventory: deps.inventory,
  routers: deps.routers,
  cloud: deps.cloud,
});
const routerStatusOf = (deps: RunbookDeps): RouterStatusDeps => ({
  ...deps,
  locks: new TargetLock(deps.redis, deps.prefix),
});

export interface PlannerDeps {
  /** The routers' WireGuard keys now: a `--pubkey` is checked against them before its run. */
  fleetKeys?: FleetKeyReader;
  /** Where a key check says which routers it could not compare. */
  logger?: Logger;
}

export function buildRunbooks(planning: PlannerDeps = {}): {
  runbooks: Partial<Record<RunKind, Runbook<RunbookDeps>>>;
  planners: Partial<Record<Command['kind'], RunRequestPlanner>>;
} {
  return {
    runbooks: {
      status: createStatusRunbook(),
      reach: createReachRunbook(),
      'attach-vpc': createAttachVpcRunbook(),
      scaleup: withDeps(scaleupRunbook, scaleOf),
      scaledown: withDeps(scaledownRunbook, scaleOf),
      // Failover shares the scale-up's routers, router facts and tunnel wait.
      failover: withDeps<FailoverDeps, RunbookDeps>(failoverRunbook, scaleOf),
      failback: withDeps<FailoverDeps, RunbookDeps>(failbackRunbook, scaleOf),
      'add-peer': createAddPeerRunbook(),
      'remove-peer': createRemovePeerRunbook(),
      peers: createPeersRunbook(),
      'reissue-peer': createReissuePeerRunbook(),
      'router-status': withDeps(createRouterStatusRunbook(), routerStatusOf),
      'sync-standby': withDeps<SyncStandbyDeps, RunbookDeps>(syncStandbyRunbook, syncStandbyOf),
      'policy-show': withDeps(createPolicyShowRunbook(), policyOf),
      'policy-diff': withDeps(createPolicyDiffRunbook(), policyOf),
      'policy-apply': withDeps(policyApplyRunbook, policyOf),
    },
    planners: {
      status: statusPlanner,
      reach: reachPlanner,
      'attach-vpc': attachVpcPlanner,
      scaleup: scaleupPlanner,
      scaledown: scaledownPlanner,
      failover: failoverCommandPlanner,
      failback: failbackCommandPlanner,
      'add-peer': createAddPeerPlanner(planning.fleetKeys, planning.logger),
      'remove-peer': removePeerPlanner,
      peers: peersPlanner,
      'reissue-peer': reissuePeerPlanner,
      'router-status': routerStatusPlanner,
      'sync-standby': syncStandbyPlanner,
      policy: policyPlanner,
    },
  };
}
