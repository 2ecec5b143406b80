/** The add-peer plan shown to the approver and the final summary, in the operator's words. */
import { reissueAdvice } from './route-hub-vpc.js';
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { addPeerParams } from './add-peer-request.js';
import { ADD_PEER_STEPS as S } from './add-peer-steps.js';
import { standbyWarning } from './reach-standby.js';
import { defaultRolePlanLine, defaultRoleWarning } from '../policy/describe-default-role.js';

export function describeAddPeerPlan(run: Readonly<Run>): string[] {
  const params = addPeerParams(run);
  const check = resultIn(run, S.check);
  if (params.kind === 'wireguard') {
    const iface = check && 'iface' in check ? check.iface : 'wg0';
    const pool = check && 'pool' in check ? check.pool : 'the pool';
    return [
      `Add WireGuard peer ${run.target} on ${params.router} (${iface}), ` +
        `next free address of ${pool}`,
      params.publicKey
        ? `Public key ${params.publicKey} (given: flatnet never sees the private key)`
        : `flatnet generates the key pair and sends the private half only to the requester`,
      'Apply with commit-confirm, verify, confirm, save; the same peer on the standby, ' +
        'if the router has one; send the client configuration privately',
    ];
  }
  const localAddress =
    check && 'localAddress' in check ? check.localAddress : '(the hub private address)';
  const mode = params.mode === 'route' ? 'route-based (VTI)' : 'policy-based';
  const bgp = params.bgpAsn !== undefined ? `, BGP AS ${params.bgpAsn}` : '';
  return [
    `Add site-to-site peer ${run.target} (${params.remote}) on ${params.router}, ${mode}, ` +
      `subnets ${params.subnets.join(', ')}${bgp}`,
    "IKEv2 with the inventory's proposals, a generated pre-shared key, " +
      `local-address ${localAddress}`,
    'Apply with commit-confirm, verify, confirm, save; the same peer on the standby ' +
      "(with the standby's own local-address), if the router has one; " +
      'send the VyOS script and swanctl.conf privately',
    ...defaultRolePlanLine(resultIn(run, S.planDefaultRole), 'join'),
  ];
}

export function summarizeAddPeer(run: Readonly<Run>): string {
  const params = addPeerParams(run);
  const configure = run.steps.find((s) => s.id === S.configure.id)?.detail ?? '';
  if (run.dryRun) return `${run.target} would be added on ${params.router}:\n${configure}`;
  // A run from the terminal has no Slack DM: its files were written locally (see step 3).
  const delivered =
    run.origin.kind === 'cli'
      ? 'were written to .flatnet/out/' + run.id + ' (mode 0600)'
      : `went privately to <@${run.requester}>`;
  const standby = resultIn(run, S.configureStandby);
  const also = standby?.applied ? `, and on its standby ${standby.standby ?? '?'}` : '';
  const warning = standbyWarning(
    standby,
    `a failover would drop ${run.target}`,
    standbyFix(
      run.target,
      params.router,
      standby?.standby ?? 'the standby',
      params.kind === 'wireguard',
    ),
  );
  const reissue = reissueAdvice(resultIn(run, S.routeHubVpc), params.router);
  const policy = defaultRoleWarning(
    resultIn(run, S.planDefaultRole),
    resultIn(run, S.joinDefaultRole),
    'join',
  );
  const tail = `${reissue}${warning ? ` ${warning}` : ''}${policy}`;
  if (params.kind === 'wireguard') {
    const reserved = resultIn(run, S.reserve);
    const address = reserved && 'address' in reserved ? reserved.address : '?';
    return (
      `${run.target} added on ${params.router} as ${address} (WireGuard)${also}; ` +
      `the client configuration ${delivered}.${tail}`
    );
  }
  return (
    `site ${run.target} (${params.remote}) added on ${params.router}${also}; ` +
    `its VyOS script and swanctl.conf ${delivered}.${tail}`
  );
}

/** How to bring a standby that was left behind into step, by hand (no resync command yet). */
function standbyFix(name: string, primary: string, standby: string, wireguard: boolean): string {
  const copy =
    `once ${standby} runs, copy the lines of ` +
    `\`show configuration commands | match ${name}\` from ${primary} to ${standby}`;
  const again = `(or \`/vpn remove-peer ${name}\` and add it again)`;
  return wireguard
    ? `${copy} unchanged ${again}`
    : `${copy} with ${standby}'s own private address as local-address ${again}`;
}
