import type { Problem, RouterStatus, StatusReport, TunnelStatus } from '../report/status-report.js';
import { describeShaperLoad } from './shaper-load.js';
import { tunnelVerdict } from './tunnel-verdict.js';

/** How many tunnel names a problem line lists before "… and N more". */
const NAMES_SHOWN = 5;

/**
 * Every problem in a status report, worst first: routers unreachable, tunnels down, BGP not
 * established, load at or over threshold, networks at their shaping limit, regions whose AWS
 * VPN telemetry failed. Derived from the report's data (the source of truth) so the order
 * holds whoever built the report; problems the status job added itself (`report.problems`)
 * that are not already covered follow, down before warn. One line per router and kind, not
 * per tunnel: twenty dead tunnels behind one router are one problem to an operator.
 */
export function findProblems(report: StatusReport): Problem[] {
  const unreachable: Problem[] = [];
  const tunnelsDown: Problem[] = [];
  const bgpDown: Problem[] = [];
  const highLoad: Problem[] = [];
  const telemetry: Problem[] = [];
  const drifted: Problem[] = [];
  const atLimit: Problem[] = [];
  for (const router of report.routers) {
    if (!router.reachable) {
      unreachable.push({
        severity: 'down',
        where: router.router,
        text: describeUnreachable(router),
      });
      continue;
    }
    if (router.drift)
      drifted.push({
        severity: 'warn',
        where: router.router,
        text:
          `drifted from ${router.drift.primary}: ` +
          `${plural(router.drift.lines, 'line')} differ, so a failover would ` +
          `lose what the standby lacks; /vpn sync-standby ${router.drift.primary}`,
      });
    // A standby holds no Elastic IP, so its tunnels are down by design; an idle WireGuard
    // laptop is not an outage (tunnel-verdict.ts, shared with the details).
    const alarming = router.tunnels.filter((t) => tunnelVerdict(router, t) === 'down');
    const down = alarming.filter((t) => t.kind !== 'bgp');
    if (down.length > 0)
      tunnelsDown.push({
        severity: 'down',
        where: router.router,
        text: `${plural(down.length, 'tunnel')} down: ${names(down)}`,
      });
    const bgp = alarming.filter((t) => t.kind === 'bgp');
    if (bgp.length > 0)
      bgpDown.push({
        severity: 'down',
        where: router.router,
        text: `BGP not established with ${names(bgp)}`,
      });
    for (const load of router.shaping ?? [])
      if (load.atLimit)
        atLimit.push({
          severity: 'warn',
          where: router.router,
          text: `${load.what} (${load.iface}) at limit: ${describeShaperLoad(load)}`,
        });
    for (const error of router.shapingErrors ?? [])
      atLimit.push({
        severity: 'warn',
        where: router.router,
        text: `could not read the shaper counters of ${error}`,
      });
    if (isOverloaded(router)) {
      highLoad.push({
        severity: 'warn',
        where: router.router,
        text:
          `5-minute load ${router.load5?.toFixed(2)} ≥ ` +
          `${router.loadThreshold?.toFixed(2)}: consider /router scaleup ${router.router}`,
      });
    }
  }
  for (const region of report.regions) {
    const down = region.tunnels.filter((t) => t.state === 'down');
    if (down.length > 0)
      tunnelsDown.push({
        severity: 'down',
        where: region.region,
        text: `${plural(down.length, 'AWS VPN tunnel')} down: ${names(down)}`,
      });
    if (region.error)
      telemetry.push({
        severity: 'warn',
        where: region.region,
        text: `AWS VPN telemetry failed: ${region.error}`,
      });
  }
  const derived = [
    ...unreachable,
    ...tunnelsDown,
    ...bgpDown,
    ...highLoad,
    ...atLimit,
    ...drifted,
    ...telemetry,
  ];
  // The job lists one problem per tunnel in its own words; a router or region already
  // flagged here is covered, so only problems about places the data did not flag are added.
  const flagged = new Set(derived.map((p) => p.where));
  const seen = new Set<string>();
  const extra = report.problems.filter(
    (p) => !flagged.has(p.where) && !seen.has(key(p)) && seen.add(key(p)),
  );
  return [
    ...derived.filter((p) => p.severity === 'down'),
    ...extra.filter((p) => p.severity === 'down'),
    ...derived.filter((p) => p.severity === 'warn'),
    ...extra.filter((p) => p.severity === 'warn'),
  ];
}

/**
 * An unreachable router in EC2's words first: "stopped" only when EC2 says stopped; an instance
 * EC2 says runs but that does not answer SSH is "not answering SSH", never "stopped".
 */
function describeUnreachable(router: RouterStatus): string {
  const state = router.instance?.state;
  const why = router.error ? `: ${router.error}` : '';
  if (state === undefined || state === 'unknown') return `unreachable${why}`;
  if (state === 'running') return `instance running (EC2) but not answering SSH${why}`;
  if (state === 'missing')
    return `instance ${router.instance?.id} is gone (EC2 no longer knows it)`;
  return `instance ${state} (EC2)${why}`;
}

export function isOverloaded(router: RouterStatus): boolean {
  return (
    router.load5 !== undefined &&
    router.loadThreshold !== undefined &&
    router.load5 >= router.loadThreshold
  );
}

function key(p: Problem): string {
  return `${p.severity}\u0000${p.where}\u0000${p.text}`;
}

function names(tunnels: TunnelStatus[]): string {
  const shown = tunnels
    .slice(0, NAMES_SHOWN)
    .map((t) => t.name)
    .join(', ');
  return tunnels.length > NAMES_SHOWN
    ? `${shown} … and ${tunnels.length - NAMES_SHOWN} more`
    : shown;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
