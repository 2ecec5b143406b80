/**
 * /vpn attach-vpc: join a VPC to the hub through its AWS Virtual Private Gateway.
 *
 *   plan:    resolve-vpc (VGW, hub, ASN, already attached?)
 *   execute: create-customer-gateway → create-vpn-connection → configure-hub → configure-standby
 *            → propagate-routes (the VPC's route tables learn the flat network) → await-tunnels
 *
 * configure-standby puts the same tunnels on the hub's warm standby (its own local-address), so
 * a failover keeps the VPC; a standby that is down is left behind loudly, and a re-run of this
 * command brings it up to date (src/attach-vpc/configure-standby.ts).
 *
 * Running it again for the same VPC changes nothing: the plan finds the connection and the
 * hub's tunnels to its outside addresses, and every step looks before it acts. Undo removes
 * the hub's configuration and leaves the AWS objects for the next run to reuse.
 */
import {
  DEFAULT_CONFIRM_MINUTES,
  DEFAULT_TUNNEL_WAIT,
  type AttachVpcDeps,
  type AttachVpcOptions,
} from '../src/attach-vpc/attach-deps.js';
import { asJson, STEP, type AttachPlan } from '../src/attach-vpc/attach-facts.js';
import { awaitTunnelsStep } from '../src/attach-vpc/await-tunnels.js';
import { configureHubStep } from '../src/attach-vpc/configure-hub.js';
import { configureStandbyStep } from '../src/attach-vpc/configure-standby.js';
import { propagateRoutesStep } from '../src/attach-vpc/propagate-routes.js';
import {
  createCustomerGatewayStep,
  createVpnConnectionStep,
} from '../src/attach-vpc/create-aws-side.js';
import { describeAttachPlan, summarizeAttachment } from '../src/attach-vpc/describe-attachment.js';
import { resolveAttachment } from '../src/attach-vpc/resolve-attachment.js';
import type { Runbook, Step } from '../src/runbook/types.js';

export { attachVpcPlanner } from '../src/attach-vpc/attach-vpc-planner.js';
export type { AttachVpcDeps, AttachVpcOptions } from '../src/attach-vpc/attach-deps.js';

const resolveVpcStep: Step<AttachVpcDeps> = {
  id: STEP.resolve,
  title: "Find the VPC's gateway and the hub",
  phase: 'plan',
  async run(ctx) {
    const region = ctx.run.params['region'];
    const plan: AttachPlan = await resolveAttachment(
      { id: ctx.run.target, region: typeof region === 'string' ? region : '' },
      {
        inventory: ctx.deps.inventory,
        cloud: ctx.deps.cloud,
        readHubConfig: (name) => ctx.deps.routers.router(name).runningConfig(),
      },
    );
    const state = plan.alreadyAttached
      ? `already attached (${plan.hubPeers.join(', ')})`
      : plan.existing
        ? `${plan.existing.vpnConnectionId} exists, hub not configured`
        : 'not attached';
    return {
      result: asJson(plan),
      detail: `${plan.vpcName}: ${plan.vgwId} in ${plan.region}, hub ${plan.hub}; ${state}`,
    };
  },
};

export function createAttachVpcRunbook(options: AttachVpcOptions = {}): Runbook<AttachVpcDeps> {
  const wait = { ...DEFAULT_TUNNEL_WAIT, ...options.tunnelWait };
  const clock = options.clock ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    kind: 'attach-vpc',
    steps: [
      resolveVpcStep,
      createCustomerGatewayStep,
      createVpnConnectionStep,
      configureHubStep({ confirmMinutes: options.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES }),
      configureStandbyStep({ confirmMinutes: options.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES }),
      propagateRoutesStep,
      awaitTunnelsStep(wait, clock, sleep),
    ],
    // The hub is what changes: one run at a time on it (two attachments would race for VTI numbers).
    lockTarget(run) {
      const plan = run.steps.find((s) => s.id === STEP.resolve)?.result;
      return plan !== null &&
        typeof plan === 'object' &&
        !Array.isArray(plan) &&
        typeof plan['hub'] === 'string'
        ? plan['hub']
        : undefined;
    },
    describePlan: describeAttachPlan,
    summarize: summarizeAttachment,
  };
}
