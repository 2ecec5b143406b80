/**
 * Checks that span entries (a router's region exists, a standby is a standby, a policy names
 * known groups), which a per-field schema cannot express. Returns every problem found.
 */
import type { Inventory } from './inventory-schema.js';
import { cidrsOverlap } from '../net/cidr.js';
import { assignedPrefixes, checkFlatNetwork } from './flat-network.js';
import { checkTrafficPolicy } from './traffic-policy.js';

export function checkInventoryReferences(inv: Inventory): string[] {
  const problems: string[] = [];
  const regions = Object.keys(inv.regions);
  const routers = Object.entries(inv.routers);

  if (!inv.regions[inv.hub.region]) {
    problems.push(
      `hub.region: "${inv.hub.region}" is not under regions: ` +
        `— add it there (known: ${regions.join(', ') || 'none'})`,
    );
  }
  if (!routers.some(([, r]) => r.role === 'hub')) {
    problems.push('routers: no router has role: hub — mark the primary hub router with role: hub');
  }
  for (const [name, router] of routers) {
    if (!inv.regions[router.region]) {
      problems.push(
        `routers.${name}.region: "${router.region}" is not under ` +
          `regions: — add it there or fix the router's region`,
      );
    }
    if (router.standby !== undefined) {
      const standby = inv.routers[router.standby];
      if (!standby) {
        problems.push(
          `routers.${name}.standby: no router named "${router.standby}" ` +
            '— add it under routers: or remove the standby',
        );
      } else if (standby.role !== 'standby') {
        problems.push(
          `routers.${name}.standby: "${router.standby}" ` +
            `has role ${standby.role} — give it role: standby`,
        );
      } else if (standby.region !== router.region) {
        problems.push(
          `routers.${name}.standby: "${router.standby}" is in ${standby.region}, not ` +
            `${router.region} — a standby must share the VPC to take over its routes`,
        );
      }
    }
    if (router.wireguard) {
      const pool = router.wireguard.pool;
      for (const net of assignedPrefixes(inv)) {
        if (net.prefix !== pool && cidrsOverlap(pool, net.prefix)) {
          problems.push(
            `routers.${name}.wireguard.pool: ${pool} overlaps network ${net.prefix} ` +
              `(${net.what}) — developer addresses must not collide with VPC addresses`,
          );
        }
      }
    }
  }
  problems.push(...checkFlatNetwork(inv));
  for (const [kind, policy] of Object.entries(inv.policies)) {
    if (!policy) continue;
    for (const field of ['approvers', 'selfService', 'requesters'] as const) {
      for (const who of policy[field]) {
        if (!/^[UW][A-Z0-9]{2,}$/.test(who) && !inv.groups[who]) {
          problems.push(
            `policies.${kind}.${field}: "${who}" is neither a group under ` +
              'groups: nor a Slack user id — add the group or fix the name',
          );
        }
      }
    }
    if (policy.approvers.length === 0 && policy.selfService.length === 0) {
      problems.push(
        `policies.${kind}: no approvers and no self-service ` +
          `groups — nobody could run ${kind}; add approvers: [group]`,
      );
    }
  }
  for (const [name, watch] of Object.entries(inv.monitor.routers)) {
    const router = inv.routers[name];
    if (!router) {
      problems.push(
        `monitor.routers.${name}: no router named "${name}" — fix the name or remove the entry`,
      );
    } else if (watch.failover === 'auto' && !router.standby) {
      problems.push(
        `monitor.routers.${name}.failover: auto, but ${name} has no standby ` +
          `to fail over to — add routers.${name}.standby or remove the entry`,
      );
    }
  }
  problems.push(...checkSites(inv));
  problems.push(...checkTrafficPolicy(inv));
  return problems;
}

/** A peer is the primary or the backup of one site, never both nor twice. */
function checkSites(inv: Inventory): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>(Object.keys(inv.sites).map((n) => [n, `sites.${n}`]));
  for (const [name, site] of Object.entries(inv.sites)) {
    const other = seen.get(site.backup);
    if (site.backup === name)
      problems.push(
        `sites.${name}.backup: the backup tunnel cannot be the site's own peer — ` +
          'name the site peer of its second line',
      );
    else if (other)
      problems.push(
        `sites.${name}.backup: ${site.backup} is already ${other} — each tunnel backs up one site`,
      );
    else seen.set(site.backup, `sites.${name}.backup`);
  }
  return problems;
}
