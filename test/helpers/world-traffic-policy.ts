import type { Inventory } from '../../src/config/inventory-schema.js';
import { TrafficSchema } from '../../src/config/traffic-schema.js';

/**
 * The simulated world's networks by role: the hub VPC `shared`, production and staging VPCs by
 * name, shared-services and analytics (behind VGWs) `secure`; the WireGuard pools are
 * `developers` and the office `office`.
 */
export const WORLD_ROLES: Record<string, string> = {
  hub: 'shared',
  production: 'production',
  staging: 'staging',
  'shared-services': 'secure',
  analytics: 'secure',
};

/** Rules that give the world both allowed and denied pairs, and keep the bot's SSH. */
export const WORLD_RULES = [
  { from: 'staging', to: 'production', action: 'drop' },
  { from: 'shared', to: 'production', protocol: 'tcp', ports: [22] },
  { from: 'shared', to: 'staging' },
  { from: 'office', to: 'shared' },
  { from: 'production', to: 'production' },
];

/** The world's roles on a loaded inventory, and a `traffic:` section with the office site. */
export function withWorldPolicy(
  inv: Inventory,
  rules: unknown[],
  sites: Record<string, { networks: string[]; role: string }> = {},
): void {
  for (const { vpcs } of Object.values(inv.regions))
    for (const v of vpcs) if (WORLD_ROLES[v.name]) v.role = WORLD_ROLES[v.name];
  for (const r of Object.values(inv.routers)) if (r.wireguard) r.wireguard.role = 'developers';
  inv.traffic = TrafficSchema.parse({
    sites: { office: { networks: ['192.168.0.0/16'], role: 'office' }, ...sites },
    rules,
  });
}
