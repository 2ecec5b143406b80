/**
 * attach-vpc's plan step: the VPC's gateway, the hub, the ASNs, and whether the VPC is already
 * attached (resolve-attachment.ts), read before anyone approves.
 */
import type { TypedStepContext } from '../runbook/define-step.js';
import type { AttachVpcDeps } from './attach-deps.js';
import type { AttachPlan } from './attach-vpc-steps.js';
import { resolveAttachment } from './resolve-attachment.js';

export async function resolveVpc(ctx: TypedStepContext<AttachVpcDeps>) {
  const region = ctx.run.params['region'];
  const plan = await resolveAttachment(
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
    result: plan,
    detail: `${plan.vpcName}: ${plan.vgwId} in ${plan.region}, hub ${plan.hub}; ${state}`,
  };
}

/**
 * The VPC as the policy model names it (`region/name`, onboarded-vpcs.ts) with its ranges, for
 * the default role's step; undefined for a VPC the inventory lists (its role is the apply's).
 */
export function unlistedVpcOf(plan: AttachPlan): { label: string; subnets: string[] } | undefined {
  if (plan.vpcListed !== false) return undefined;
  return { label: `${plan.region}/${plan.vpcName}`, subnets: plan.vpcCidrs ?? [] };
}
