/**
 * One region's AWS VPN connections, as the VGW sees its tunnels (the far side of the hub's view).
 */
import { describeError } from '../errors.js';
import type { RegionVpnStatus } from '../report/status-report.js';
import { withTimeout } from '../util/map-bounded.js';
import type { StatusCloud } from './status-ports.js';

export async function readRegionTelemetry(
  region: string,
  cloud: StatusCloud,
  timeoutMs: number,
): Promise<RegionVpnStatus> {
  try {
    const connections = await withTimeout(
      cloud.describeVpnConnections(region),
      timeoutMs,
      () => new Error(`EC2 in ${region} did not answer within ${timeoutMs / 1000} s`),
    );
    const tunnels = connections
      .filter((c) => c.state !== 'deleted')
      .flatMap((c) =>
        c.tunnels.map((t, i) => ({
          name: `${c.tags?.Name ?? c.id} tunnel ${i + 1}`,
          kind: 'vgw' as const,
          state: t.status === 'UP' ? ('up' as const) : ('down' as const),
          remote: t.outsideIp,
          ...(t.statusMessage ? { detail: t.statusMessage } : {}),
        })),
      );
    return { region, tunnels };
  } catch (err) {
    return { region, error: describeError(err).split('\n')[0] ?? 'unknown error', tunnels: [] };
  }
}
