/** The plan shown to the approver and the final summary, in the operator's words. */
import { reissueAdvice } from '../onboarding/route-hub-vpc.js';
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { ATTACH_VPC_STEPS as S, type AttachPlan } from './attach-vpc-steps.js';
import { describeStandby } from './configure-standby.js';
import { defaultRolePlanLine, defaultRoleWarning } from '../policy/describe-default-role.js';

function vpcLabel(plan: AttachPlan): string {
  const id = plan.vpcId ?? plan.vgwId;
  return plan.vpcName === id ? id : `${plan.vpcName} (${id})`;
}

export function describeAttachPlan(run: Readonly<Run>): string[] {
  const plan = resultIn(run, S.resolve);
  if (!plan) return [`attach ${run.target}: the facts could not be read`];
  const head =
    `Attach ${vpcLabel(plan)} in ${plan.region} to ${plan.hub} ` +
    `through ${plan.vgwId} (AS ${plan.vgwAsn ?? '?'})`;
  if (plan.alreadyAttached) {
    return [
      head,
      `Already attached: ${plan.existing?.vpnConnectionId ?? 'a VPN connection'} ` +
        `and ${plan.hub}'s peers ${plan.hubPeers.join(' and ')}. Nothing will ` +
        `change on ${plan.hub}; its standby, if it lacks the tunnels, gets them.`,
      ...defaultRolePlanLine(resultIn(run, S.planDefaultRole), 'join'),
    ];
  }
  return [
    `${run.dryRun ? 'Dry run: ' : ''}${head}`,
    plan.existing
      ? `1. Reuse ${plan.existing.customerGatewayId} and ` +
        `${plan.existing.vpnConnectionId}, which already exist`
      : `1. Create (or reuse) a customer gateway for ${plan.hubPublicIp}, ` +
        `AS ${plan.hubAsn}, and a BGP VPN connection to ${plan.vgwId}`,
    `2. On ${plan.hub}: two VTI tunnels (local-address ${plan.hubPrivateIp}) and two BGP ` +
      'neighbours from the parameters AWS generates; commit-confirm, verify, confirm, save',
    `3. The same tunnels on ${plan.hub}'s standby, if it has one, with the standby's ` +
      'own local-address (a standby that is down is reported, not waited for)',
    `4. Turn on route propagation from ${plan.vgwId} in every ` +
      `route table of ${plan.vpcName}, so it routes the flat network ` +
      'to the VGW (the hub announces it by BGP, with as-override)',
    '5. Wait until AWS reports both tunnels UP and both BGP sessions are Established',
    ...defaultRolePlanLine(resultIn(run, S.planDefaultRole), 'join'),
    'If a step fails: the hub (and standby) config is removed and propagation turned ' +
      'off again; the AWS objects stay (they cost little and a re-run reuses them).',
  ];
}

export function summarizeAttachment(run: Readonly<Run>): string {
  const plan = resultIn(run, S.resolve);
  if (!plan) return `attach-vpc ${run.target} finished`;
  const conn = resultIn(run, S.vpnConnection);
  const hub = resultIn(run, S.configureHub);
  const standby = describeStandby(run, plan);
  if (plan.alreadyAttached) {
    const added = resultIn(run, S.configureStandby)?.applied === true;
    return (
      `${vpcLabel(plan)} is already attached to ${plan.hub} ` +
      `through ${plan.existing?.vpnConnectionId ?? plan.vgwId} ` +
      `(peers ${plan.hubPeers.join(' and ')}): ` +
      `${added ? 'nothing changed on the hub.' : 'nothing changed.'}${standby}`
    );
  }
  const tunnels = (hub?.peers ?? [])
    .map((p) => `${p.name} on vti${p.vti} → ${p.remoteAddress}`)
    .join(', ');
  if (run.dryRun)
    return (
      `Would attach ${vpcLabel(plan)} to ${plan.hub} through ` +
      `${plan.vgwId}: ${hub?.lines ?? '?'} lines on the hub (${tunnels}).`
    );
  const waited = run.steps.find((s) => s.id === S.awaitTunnels.id)?.detail ?? '';
  const reissue = reissueAdvice(resultIn(run, S.routeHubVpc), plan.hub);
  const role = defaultRoleWarning(
    resultIn(run, S.planDefaultRole),
    resultIn(run, S.joinDefaultRole),
    'join',
  );
  return (
    `Attached ${vpcLabel(plan)} to ${plan.hub} through ${conn?.vpnConnectionId ?? '?'} ` +
    `on ${plan.vgwId}: ${tunnels}; ${waited}.${standby}${reissue}${role}`
  );
}
