/**
 * Execute steps 1 and 2: the customer gateway (the hub's Elastic IP and ASN, as AWS sees
 * them) and the VPN connection from it to the VGW, with BGP. Both look before they create:
 * a resumed or repeated run reuses what exists, so it never makes a second VPN connection.
 * Undo leaves both in AWS on purpose (they cost little and the next run reuses them) and
 * says so in the thread and in the run's outcome.
 */
import { CloudError } from '../errors.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import type { AttachVpcDeps } from './attach-deps.js';
import {
  ATTACH_VPC_STEPS as S,
  type CustomerGatewayResult,
  type VpnConnectionResult,
} from './attach-vpc-steps.js';

type Ctx = TypedStepContext<AttachVpcDeps>;

const GONE = new Set(['deleting', 'deleted']);

export async function createCustomerGateway(ctx: Ctx) {
  const plan = ctx.result(S.resolve);
  const skip = (customerGatewayId: string | null, reused: boolean, detail: string) => ({
    result: {
      customerGatewayId,
      reused,
      skipped: customerGatewayId === null,
    } satisfies CustomerGatewayResult,
    detail,
  });
  if (plan.alreadyAttached)
    return skip(plan.existing?.customerGatewayId ?? null, true, 'already attached: nothing to do');
  // The existing connection's gateway is the one to keep: a new one would mean a second connection.
  if (plan.existing)
    return skip(
      plan.existing.customerGatewayId,
      true,
      `reusing ${plan.existing.customerGatewayId} of ${plan.existing.vpnConnectionId}`,
    );
  const what = `a customer gateway for ${plan.hubPublicIp} (AS ${plan.hubAsn}) in ${plan.region}`;
  if (ctx.dryRun) {
    // DryRun proves the permission: a dry run that cannot create the gateway fails here, not in the
    // real run.
    await ctx.deps.cloud.createCustomerGateway(plan.region, {
      publicIp: plan.hubPublicIp,
      bgpAsn: plan.hubAsn,
      name: `flatnet-${plan.hub}`,
      dryRun: true,
    });
    return skip(null, false, `DryRun: CreateCustomerGateway would succeed; would create ${what}`);
  }
  await ctx.assertStillOwner();
  // Idempotent on AWS's side: the same address and ASN return the gateway that exists.
  const cgw = await ctx.deps.cloud.createCustomerGateway(plan.region, {
    publicIp: plan.hubPublicIp,
    bgpAsn: plan.hubAsn,
    name: `flatnet-${plan.hub}`,
  });
  return {
    result: {
      customerGatewayId: cgw.id,
      reused: false,
      skipped: false,
    } satisfies CustomerGatewayResult,
    detail: `${cgw.id}: ${plan.hubPublicIp}, AS ${cgw.bgpAsn}`,
  };
}

/** Undo: the gateway stays in AWS (it costs nothing), and the outcome says so. */
export async function keepCustomerGateway(ctx: Ctx) {
  // Absent when this step is the one that failed: then it created nothing to account for.
  const cgw = ctx.resultIfAny(S.customerGateway);
  if (!cgw?.customerGatewayId || cgw.reused) return;
  return {
    detail:
      `kept customer gateway ${cgw.customerGatewayId} in AWS: ` +
      'it costs nothing and the next /vpn attach-vpc reuses it',
    kept: `customer gateway ${cgw.customerGatewayId} (a re-run reuses it)`,
  };
}

export async function createVpnConnection(ctx: Ctx) {
  const plan = ctx.result(S.resolve);
  const cgw = ctx.result(S.customerGateway);
  const done = (vpnConnectionId: string | null, reused: boolean, detail: string) => ({
    result: {
      vpnConnectionId,
      reused,
      skipped: vpnConnectionId === null,
    } satisfies VpnConnectionResult,
    detail,
  });
  if (plan.alreadyAttached)
    return done(plan.existing?.vpnConnectionId ?? null, true, 'already attached: nothing to do');
  // AWS checks that the customer gateway exists before it answers a DryRun, and a dry run creates
  // none: the permission is proven by the first real run.
  if (!cgw.customerGatewayId)
    return done(
      null,
      false,
      'dry run: would create a BGP VPN connection from the new customer ' +
        `gateway to ${plan.vgwId} (DryRun needs an existing customer gateway)`,
    );
  // Look first: a run that crashed after CreateVpnConnection, or a second run, finds it here.
  const found = (await ctx.deps.cloud.describeVpnConnections(plan.region)).find(
    (c) =>
      c.customerGatewayId === cgw.customerGatewayId &&
      c.vpnGatewayId === plan.vgwId &&
      !GONE.has(c.state),
  );
  if (found) return done(found.id, true, `reusing ${found.id} (${found.state})`);
  const request = {
    customerGatewayId: cgw.customerGatewayId,
    vpnGatewayId: plan.vgwId,
    staticRoutesOnly: false,
    name: `flatnet-${plan.vpcName}`,
  };
  if (ctx.dryRun) {
    await ctx.deps.cloud.createVpnConnection(plan.region, { ...request, dryRun: true });
    return done(
      null,
      false,
      'DryRun: CreateVpnConnection would succeed; would create a BGP ' +
        `VPN connection from ${cgw.customerGatewayId} to ${plan.vgwId}`,
    );
  }
  await ctx.assertStillOwner();
  try {
    const conn = await ctx.deps.cloud.createVpnConnection(plan.region, request);
    return done(
      conn.id,
      false,
      `${conn.id} (${conn.state}): ${cgw.customerGatewayId} → ${plan.vgwId}, BGP`,
    );
  } catch (err) {
    if (err instanceof CloudError && err.awsCode === 'AsnConflict') {
      throw new CloudError(
        'AsnConflict',
        `AWS refused the VPN connection: the hub's ASN ` +
          `${plan.hubAsn} equals ${plan.vgwId}'s Amazon-side ASN, ` +
          'and BGP speakers drop routes that carry their own AS',
        'give the hub a different private ASN in the inventory, or recreate ' +
          'the VGW with --amazon-side-asn set to another private ASN (e.g. 64513)',
        { cause: err },
      );
    }
    throw err;
  }
}

/** Undo: the connection stays in AWS for the next run; the outcome says how to drop it. */
export async function keepVpnConnection(ctx: Ctx) {
  const conn = ctx.resultIfAny(S.vpnConnection);
  const plan = ctx.result(S.resolve);
  if (!conn?.vpnConnectionId || conn.reused) return;
  const drop =
    `aws ec2 delete-vpn-connection --region ${plan.region} ` +
    `--vpn-connection-id ${conn.vpnConnectionId}`;
  return {
    detail:
      `kept VPN connection ${conn.vpnConnectionId} in AWS: it costs ` +
      `little and the next /vpn attach-vpc reuses it; to drop it: ${drop}`,
    kept: `VPN connection ${conn.vpnConnectionId} (a re-run reuses it; to drop it: ${drop})`,
  };
}
