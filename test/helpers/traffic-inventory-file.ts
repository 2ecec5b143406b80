import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { WORLD_ROLES } from './world-traffic-policy.js';

/**
 * Roles on the simulated world's networks (its inventory file, rewritten in place): the hub VPC
 * `shared`, production and staging VPCs by name, shared-services and analytics (behind VGWs)
 * `secure`, the hub's WireGuard pool `developers`, the office `office`; plus `traffic` and
 * per-VPC bandwidths. Returns the path.
 */
export function addTrafficPolicy(
  path: string,
  traffic: Record<string, unknown>,
  bandwidth: Record<string, string> = {},
): string {
  const inv = parse(readFileSync(path, 'utf8')) as {
    regions: Record<string, { vpcs: { name: string; role?: string; bandwidth?: string }[] }>;
    routers: Record<string, { wireguard?: { role?: string } }>;
    traffic?: unknown;
  };
  const roleOf = WORLD_ROLES;
  for (const [region, { vpcs }] of Object.entries(inv.regions))
    for (const v of vpcs) {
      const role = roleOf[v.name];
      if (role) v.role = role;
      const rate = bandwidth[`${region}/${v.name}`];
      if (rate) v.bandwidth = rate;
    }
  for (const r of Object.values(inv.routers)) if (r.wireguard) r.wireguard.role = 'developers';
  inv.traffic = {
    sites: { office: { networks: ['192.168.0.0/16'], role: 'office' } },
    ...traffic,
  };
  writeFileSync(path, stringify(inv, { lineWidth: 0 }));
  return path;
}
