/**
 * The tunnel monitor's decision for one site with a backup tunnel (inventory `sites:`): the
 * router switches by itself (`protocols failover`), the monitor only tells. An incident opens
 * when the site leaves its primary tunnel, gets a timeline entry at each further change (to
 * no tunnel at all, back to the backup) and resolves when the primary carries it again. Only
 * changes are alerted; a reading that failed changes nothing (the router's own incident says
 * it is unreachable). Pure.
 */
import type { Incident, TimelineEntry } from './monitor-types.js';

/** Which tunnel carries the site's routes, as the router forwards right now. */
export type TunnelState = 'primary' | 'backup' | 'down';

export interface TunnelReading {
  site: string;
  primary: string;
  backup: string;
  target: string;
  /** The router whose routing table was read. */
  router?: string;
  state?: TunnelState;
  /** The selected route in words (`via 169.254.101.2, vti101`). */
  detail?: string;
  /** The router could not be read, or holds neither tunnel. */
  error?: string;
}

export interface TunnelWatch {
  state: TunnelState;
  since: number;
  incident?: Incident;
}

function entry(r: TunnelReading, from: TunnelState | undefined, now: number): TimelineEntry {
  const on = r.router ? ` on ${r.router}` : '';
  const via = r.detail ? ` (${r.detail})` : '';
  if (r.state === 'primary')
    return {
      at: now,
      what: 'resolved',
      text: `${r.site} is back on its primary tunnel ${r.primary}${via}${on}`,
    };
  if (r.state === 'backup')
    return {
      at: now,
      what: 'detected',
      text:
        from === 'down'
          ? `${r.site} is reachable again over its backup tunnel ${r.backup}${via}${on}`
          : `${r.site} switched to its backup tunnel ${r.backup}${via}${on}: ` +
            `${r.target} does not answer across ${r.primary}`,
    };
  return {
    at: now,
    what: 'failed',
    text:
      `${r.site} is unreachable: ${r.target} answers across neither ${r.primary} ` +
      `nor ${r.backup}${r.router ? ` (no route for it${on})` : ''}`,
  };
}

export function decideTunnel(
  watch: TunnelWatch | undefined,
  reading: TunnelReading,
  now: number,
): { watch: TunnelWatch | undefined; changed: boolean } {
  const state = reading.state;
  if (reading.error !== undefined || state === undefined) return { watch, changed: false };
  if (watch?.state === state) return { watch, changed: false };
  const open = watch?.incident && watch.incident.resolvedAt === undefined ? watch.incident : null;
  const line = entry(reading, watch?.state, now);
  if (state === 'primary') {
    // First sight on the primary is the normal case: nothing to say.
    if (!open) return { watch: { state, since: now }, changed: false };
    return {
      watch: {
        state,
        since: now,
        incident: { ...open, resolvedAt: now, timeline: [...open.timeline, line] },
      },
      changed: true,
    };
  }
  const incident: Incident = open
    ? { ...open, timeline: [...open.timeline, line] }
    : {
        id: `${reading.site}-${now.toString(36)}`,
        router: reading.site,
        openedAt: now,
        timeline: [line],
        failover: 'none',
      };
  return { watch: { state, since: now, incident }, changed: true };
}
