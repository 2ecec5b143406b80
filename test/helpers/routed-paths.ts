/**
 * The forwarding timeline restricted to the paths that worked when the world started (the
 * reachability oracle's verdict, both ways). The reference topology leaves some paths of the
 * flat network unrouted today (issue 11: the office, the WireGuard pool): those are broken from
 * the start, so a runbook's outage is judged on the paths that did work.
 */
import type { World } from '../../src/sim/world/start-world.js';
import type { TimelineSnapshot } from '../../src/sim/world/forwarding-timeline.js';

export function routedTimeline(world: World): TimelineSnapshot {
  const t = world.timeline();
  const routed = (path: string): boolean => world.routedAtStart.has(path);
  return {
    now: t.now,
    paths: t.paths.filter((p) => routed(p.path)),
    outages: t.outages.filter((o) => routed(o.path)),
  };
}

/** The path from the hub VPC to a VPC (or the office): what the old oracle called "forwarded". */
export const fromHub = (label: string): string => `ap-northeast-1/hub → ${label}`;
