/**
 * The approval prompt's plan: what the approver approves, in the operator's words. Built
 * only from the facts the plan step read, so the prompt shows the world as it was checked.
 */
import type { LoadFactsResult } from './scale-steps.js';

function groupRoutes(routes: LoadFactsResult['routes']): string {
  const byTable = new Map<string, string[]>();
  for (const r of routes)
    byTable.set(r.routeTableId, [...(byTable.get(r.routeTableId) ?? []), r.destination]);
  return [...byTable]
    .map(([table, destinations]) => `${table} (${destinations.join(', ')})`)
    .join('; ');
}

export function describeScalePlan(facts: LoadFactsResult, dryRun: boolean): string[] {
  const verb = facts.direction === 'up' ? 'Scale up' : 'Scale down';
  const eip = facts.elasticIp;
  const tables = new Set(facts.routes.map((r) => r.routeTableId)).size;
  const lines = [
    `${verb} ${facts.router} (${facts.instanceId}, ` +
      `${facts.region}): ${facts.currentType} → ${facts.targetType}`,
    `AMI: ${facts.image.imageId} "${facts.image.name}", created ` +
      `${facts.image.creationDate} (newest tagged Role=VyattaBase)`,
    `5-minute load: ${facts.load5.toFixed(2)} (threshold ${facts.loadThreshold})`,
    `Elastic IP: ${eip.publicIp} (${eip.allocationId}) ` +
      `on ${eip.holderInterfaceId ?? 'nothing'}` +
      (eip.holderInstanceId ? ` (${eip.holderInstanceId})` : ''),
    facts.routes.length > 0
      ? `Routes to ${facts.networkInterfaceId}: ${facts.routes.length} in ` +
        `${tables} table${tables === 1 ? '' : 's'}: ${groupRoutes(facts.routes)}`
      : `Routes to ${facts.networkInterfaceId}: none found`,
    ...((facts.extraInterfaces ?? []).length > 0
      ? [
          'Extra interfaces: ' +
            facts
              .extraInterfaces!.map((e) => `${e.networkInterfaceId} (eth${e.deviceIndex})`)
              .join(', ') +
            ': moved to the new router after the routes (the routes that target them follow)',
        ]
      : []),
    `Tunnels now: ${facts.tunnelsUp} IPsec SA${facts.tunnelsUp === 1 ? '' : 's'} up, ` +
      `${facts.bgpEstablished} BGP session${facts.bgpEstablished === 1 ? '' : 's'} established`,
    `Order: 1. launch ${facts.targetType} in ${facts.subnetId} → 2. wait ` +
      'until running → 3. disable source/dest check → 4. copy the running ' +
      `config (${facts.privateIp} rewritten to the new address) → 5. move the ` +
      'Elastic IP → 6. bring the tunnels up on the new router → 7. repoint the ' +
      `routes → 8. verify → 9. stop ${facts.instanceId} (stop, never terminate)`,
    `${facts.router} keeps forwarding until step 5; the outage is the ` +
      'Elastic IP move plus tunnel re-establishment. A failure before step ' +
      '9 moves the Elastic IP and routes back and stops the new instance.',
  ];
  if (dryRun)
    lines.push(
      'Dry run: AWS calls are made with DryRun (permissions ' +
        'only), the config copy is shown, nothing changes.',
    );
  return lines;
}
