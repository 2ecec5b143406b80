/**
 * Which tunnel of a site with a backup a site peer is (inventory `sites:`, docs/monitor.md):
 * the primary (the key) or the backup (`backup`), its partner, the check target, and the
 * failover metric its routes get (the primary's lower, so it wins while it answers).
 */
import type { Inventory } from './inventory-schema.js';

export const PRIMARY_METRIC = 1;
export const BACKUP_METRIC = 2;

export interface SiteTunnelRole {
  /** The site's key in `sites:` (its primary peer). */
  site: string;
  role: 'primary' | 'backup';
  /** The other tunnel's peer. */
  partner: string;
  target: string;
  metric: number;
}

export function siteTunnelRole(inventory: Inventory, peer: string): SiteTunnelRole | undefined {
  const own = inventory.sites[peer];
  if (own)
    return {
      site: peer,
      role: 'primary',
      partner: own.backup,
      target: own.target,
      metric: PRIMARY_METRIC,
    };
  const entry = Object.entries(inventory.sites).find(([, s]) => s.backup === peer);
  if (!entry) return undefined;
  const [site, s] = entry;
  return { site, role: 'backup', partner: site, target: s.target, metric: BACKUP_METRIC };
}
