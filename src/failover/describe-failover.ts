/**
 * The approval prompt's plan and the final summary of a failover or failback, in the
 * operator's words, built only from what the steps read and did.
 */
import { CUTOVER_STEPS } from '../cutover/cutover-steps.js';
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { planStepOf, type FailoverFacts } from './failover-steps.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function groupRoutes(routes: FailoverFacts['routes']): string {
  const byTable = new Map<string, string[]>();
  for (const r of routes)
    byTable.set(r.routeTableId, [...(byTable.get(r.routeTableId) ?? []), r.destination]);
  return [...byTable]
    .map(([table, destinations]) => `${table} (${destinations.join(', ')})`)
    .join('; ');
}

export function describeFailoverPlan(facts: FailoverFacts, dryRun: boolean): string[] {
  const { from, to, elasticIp: eip } = facts;
  const tables = new Set(facts.routes.map((r) => r.routeTableId)).size;
  const lines = [
    facts.direction === 'failover'
      ? `Fail over ${from.router} (${from.instanceId}) to its standby ` +
        `${to.router} (${to.instanceId}, ${to.type}), ${facts.region}`
      : `Fail back from the standby ${from.router} (${from.instanceId}) to the ` +
        `primary ${to.router} (${to.instanceId}, ${to.type}), ${facts.region}`,
    `${to.router}: running, source/dest check off, answers SSH; ` +
      `${plural(to.peers, 'site-to-site peer')}, ${plural(to.bgpNeighbors, 'BGP neighbour')}`,
    facts.compared
      ? `${from.router} (${from.state}): ${plural(from.sasUp, 'SA')} up, ` +
        `${plural(from.bgpEstablished, 'BGP session')} established; ` +
        `${to.router} carries all its ${plural(facts.compared.peers, 'peer')} ` +
        `and ${plural(facts.compared.bgpNeighbors, 'BGP neighbour')}`
      : `${from.router} (${from.state}) could not be read (${from.problem ?? 'no answer'}): ` +
        `its peers were not compared, so ${to.router} must bring up every tunnel it has`,
    `Elastic IP: ${eip.publicIp} (${eip.allocationId}) on ` +
      `${eip.holderInterfaceId ?? 'nothing'}` +
      `${eip.holderInstanceId ? ` (${eip.holderInstanceId})` : ''} → ${to.networkInterfaceId}`,
    facts.routes.length > 0
      ? `Routes to ${from.networkInterfaceId}: ${facts.routes.length} in ` +
        `${plural(tables, 'table')}: ${groupRoutes(facts.routes)} → ${to.networkInterfaceId}`
      : `Routes to ${from.networkInterfaceId}: none found (only the Elastic IP moves)`,
    `${to.router} must bring up ${plural(facts.expectedSas.length, 'SA')} and ` +
      `${plural(facts.expectedBgp.length, 'BGP session')} before the routes move (` +
      (facts.expectedBasis === 'up-on-from'
        ? `what was up on ${from.router}`
        : 'everything it has configured') +
      ')',
    ...(facts.wireguardMissing.length > 0
      ? [
          `Warning: ${to.router} lacks ` +
            `${plural(facts.wireguardMissing.length, 'WireGuard peer')} of ` +
            `${from.router} (${facts.wireguardMissing.slice(0, 10).join(', ')}` +
            `${facts.wireguardMissing.length > 10 ? ', …' : ''}): they lose ` +
            `the VPN until traffic returns to ${from.router}`,
        ]
      : []),
    `Order: 1. move the Elastic IP to ${to.router} → 2. bring the tunnels up on ` +
      `${to.router} → 3. repoint the routes → 4. verify. flatnet does not stop ${from.router}.`,
    'The outage is the Elastic IP move plus tunnel re-establishment. A ' +
      `failure moves the Elastic IP and the routes back to ${from.router}.`,
  ];
  if (dryRun)
    lines.push(
      'Dry run: AssociateAddress and ReplaceRoute are made ' +
        'with DryRun (permissions only), nothing changes.',
    );
  return lines;
}

export function factsOfRun(run: Readonly<Run>): FailoverFacts | undefined {
  return run.kind === 'failover' || run.kind === 'failback'
    ? resultIn(run, planStepOf(run.kind))
    : undefined;
}

export function summarizeFailoverRun(run: Readonly<Run>): string {
  const facts = factsOfRun(run);
  if (!facts) return `${run.kind} of ${run.target} finished`;
  const { from, to, elasticIp: eip, primary } = facts;
  const back =
    facts.direction === 'failover' ? `/router failback ${primary}` : `/router failover ${primary}`;
  if (run.dryRun) {
    return (
      `Dry run of ${run.kind} ${from.router} → ${to.router}: ${to.router} ` +
      'passed its health check and EC2 accepted AssociateAddress and ' +
      `${plural(facts.routes.length, 'ReplaceRoute')} with DryRun. ` +
      `${from.router} still holds ${eip.publicIp} and the routes.`
    );
  }
  const routes = resultIn(run, CUTOVER_STEPS.repointRoutes);
  const moved = routes?.repointed.length ?? 0;
  const tables = new Set(routes?.repointed.map((r) => r.routeTableId)).size;
  const parts = [
    facts.direction === 'failover'
      ? `Failed over ${from.router} to ${to.router}.`
      : `Failed back from ${from.router} to ${to.router}.`,
    `${to.router} (${to.instanceId}, ${to.networkInterfaceId}) now holds ` +
      `${eip.publicIp} and ${plural(moved, 'route')} in ` +
      `${plural(tables, 'table')}, with ${plural(facts.expectedSas.length, 'SA')} ` +
      `and ${plural(facts.expectedBgp.length, 'BGP session')} up.`,
    facts.direction === 'failover'
      ? `${from.router} (${from.instanceId}) ` +
        (from.state === 'running'
          ? 'was left running (flatnet does not stop it)'
          : `was ${from.state} already (flatnet did not touch it)`) +
        ': it holds nothing now.'
      : `${from.router} (${from.instanceId}) stands by again, ${from.state}.`,
  ];
  if (routes && routes.missing.length > 0)
    parts.push(
      'Routes that had vanished: ' +
        `${routes.missing.map((r) => `${r.routeTableId} ${r.destination}`).join(', ')}.`,
    );
  parts.push(`To go back: ${back}.`);
  return parts.join(' ');
}
