import type { Problem, RouterStatus, StatusReport, TunnelStatus } from '../../report/status-report.js';

/** How many tunnel names a problem line lists before "… and N more". */
const NAMES_SHOWN = 5;

/**
 * Every problem in a status report, worst first: routers unreachable, tunnels down, BGP not
 * established, load over threshold, regions whose AWS VPN telemetry failed. Derived from the
 * report's data (the source of truth) so the order holds whoever built the report; problems
 * the status job added itself (`report.problems`) that are not already covered follow, down
 * before warn. One line per router and kind, not per tunnel: twenty dead tunnels behind one
 * router are one problem to an operator.
 */
export function findProblems(report: StatusReport): Problem[] {
  const unreachable: Problem[] = [];
  const tunnelsDown: Problem[] = [];
  const bgpDown: Problem[] = [];
  const highLoad: Problem[] = [];
  const telemetry: Problem[] = [];
  for (const router of report.routers) {
    if (!router.reachable) {
      unreachable.push({ severity: 'down', where: router.router, text: `unreachable${router.error ? `: ${router.error}` : ''}` });
      continue;
    }
    const down = router.tunnels.filter((t) => t.state === 'down' && t.kind !== 'bgp');
    if (down.length > 0) tunnelsDown.push({ severity: 'down', where: router.router, text: `${plural(down.length, 'tunnel')} down: ${names(down)}` });
    const bgp = router.tunnels.filter((t) => t.state === 'down' && t.kind === 'bgp');
    if (bgp.length > 0) bgpDown.push({ severity: 'down', where: router.router, text: `BGP not established with ${names(bgp)}` });
    if (isOverloaded(router)) {
      highLoad.push({ severity: 'warn', where: router.router, text: `load ${router.load5?.toFixed(2)} over threshold ${router.loadThreshold?.toFixed(2)}` });
    }
  }
  for (const region of report.regions) {
    const down = region.tunnels.filter((t) => t.state === 'down');
    if (down.length > 0) tunnelsDown.push({ severity: 'down', where: region.region, text: `AWS VPN ${plural(down.length, 'tunnel')} down: ${names(down)}` });
    if (region.error) telemetry.push({ severity: 'warn', where: region.region, text: `AWS VPN telemetry failed: ${region.error}` });
  }
  const derived = [...unreachable, ...tunnelsDown, ...bgpDown, ...highLoad, ...telemetry];
  const seen = new Set(derived.map(key));
  const extra = report.problems.filter((p) => !seen.has(key(p)) && !coveredBy(p, derived));
  return [...derived.filter((p) => p.severity === 'down'), ...extra.filter((p) => p.severity === 'down'), ...derived.filter((p) => p.severity === 'warn'), ...extra.filter((p) => p.severity === 'warn')];
}

export function isOverloaded(router: RouterStatus): boolean {
  return router.load5 !== undefined && router.loadThreshold !== undefined && router.load5 > router.loadThreshold;
}

function key(p: Problem): string {
  return `${p.severity}\u0000${p.where}\u0000${p.text}`;
}

/** A job-made problem that only restates a derived one ("hub-tokyo-a unreachable") adds nothing. */
function coveredBy(p: Problem, derived: Problem[]): boolean {
  const text = p.text.toLowerCase();
  return derived.some((d) => d.where === p.where && (text.includes('unreachable') ? d.text.startsWith('unreachable') : d.text.toLowerCase() === text));
}

function names(tunnels: TunnelStatus[]): string {
  const shown = tunnels.slice(0, NAMES_SHOWN).map((t) => t.name).join(', ');
  return tunnels.length > NAMES_SHOWN ? `${shown} … and ${tunnels.length - NAMES_SHOWN} more` : shown;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
