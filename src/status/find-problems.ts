/** Problems first: what an operator must look at, worst first. */
import type { Problem, RegionVpnStatus, RouterStatus } from '../report/status-report.js';

export function findProblems(routers: RouterStatus[], regions: RegionVpnStatus[]): Problem[] {
  const problems: Problem[] = [];
  for (const r of routers) {
    if (!r.reachable) {
      problems.push({ severity: 'down', where: r.router, text: `${r.router} unreachable: ${r.error ?? 'no answer'}` });
      continue;
    }
    // A standby holds no Elastic IP, so its tunnels are down by design: not a problem.
    if (r.role === 'standby') continue;
    for (const t of r.tunnels) {
      // An idle laptop is not an outage: WireGuard peers are listed, never alarmed on.
      if (t.state === 'up' || t.kind === 'wireguard') continue;
      const what = t.kind === 'bgp' ? `${t.name} not established (${t.detail ?? 'down'})` : `${t.name} down`;
      problems.push({ severity: t.kind === 'bgp' ? 'warn' : 'down', where: r.router, text: `${r.router}: ${what}` });
    }
    if (r.load5 !== undefined && r.loadThreshold !== undefined && r.load5 >= r.loadThreshold) {
      problems.push({ severity: 'warn', where: r.router, text: `${r.router}: 5-minute load ${r.load5.toFixed(2)} ≥ ${r.loadThreshold} — consider /router scaleup ${r.router}` });
    }
  }
  for (const g of regions) {
    if (g.error) problems.push({ severity: 'warn', where: g.region, text: `${g.region}: AWS VPN telemetry unavailable: ${g.error}` });
    for (const t of g.tunnels) {
      if (t.state === 'down') problems.push({ severity: 'down', where: g.region, text: `${g.region}: ${t.name} (${t.remote ?? '?'}) down${t.detail ? `: ${t.detail}` : ''}` });
    }
  }
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'down' ? -1 : 1));
}
