import { randomInt } from 'node:crypto';
import { intToIp, ipToInt, isCidr, parseCidr } from './cidr.js';
import { Ec2ApiError } from './ec2-error.js';
import { isValidPreSharedKey } from './ids.js';
import type {
  SimVpnConnection,
  SimVpnTunnel,
  TunnelStatus,
  TunnelStatusProvider,
} from './types.js';

/** AWS refuses these /30s for tunnel inside addresses (they clash with link-local services). */
const RESERVED_INSIDE = new Set([
  '169.254.0.0/30',
  '169.254.1.0/30',
  '169.254.2.0/30',
  '169.254.3.0/30',
  '169.254.4.0/30',
  '169.254.5.0/30',
  '169.254.169.252/30',
]);

export function checkInsideCidr(cidr: string): void {
  const ok = isCidr(cidr) && parseCidr(cidr).prefix === 30 && cidr.startsWith('169.254.');
  if (!ok)
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `The tunnel inside CIDR ${cidr} is invalid. It must be a /30 CIDR block in 169.254.0.0/16.`,
    );
  if (RESERVED_INSIDE.has(cidr))
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `The tunnel inside CIDR ${cidr} is reserved and cannot be used.`,
    );
}

export function checkPreSharedKey(key: string): void {
  if (!isValidPreSharedKey(key)) {
    // Never echo the key back: it is a secret even when it is a bad one.
    throw new Ec2ApiError(
      'InvalidParameterValue',
      'The pre-shared key is invalid. Use 8 to 64 ' +
        'characters of [A-Za-z0-9._], not starting with 0.',
    );
  }
}

/** A free /30 in 169.254.0.0/16, distinct from the ones already taken on this VGW. */
export function pickInsideCidr(taken: ReadonlySet<string>): string {
  for (;;) {
    const base = ipToInt('169.254.0.0') + randomInt(16384) * 4;
    const cidr = `${intToIp(base)}/30`;
    if (!RESERVED_INSIDE.has(cidr) && !taken.has(cidr)) return cidr;
  }
}

/** VGW gets the first host of the /30, the customer gateway the second (as in AWS's config). */
export function insideAddresses(cidr: string): { vgw: string; cgw: string } {
  const { base } = parseCidr(cidr);
  return { vgw: intToIp(base + 1), cgw: intToIp(base + 2) };
}

export interface TunnelTelemetry {
  outsideIp: string;
  status: TunnelStatus;
  statusMessage: string;
  lastStatusChange: Date;
  acceptedRouteCount: number;
}

/**
 * Telemetry is computed when read, like AWS's own (which lags the tunnel by a little): ask the
 * provider, and remember when the status last flipped so LastStatusChange means something.
 */
export function readTelemetry(
  conn: SimVpnConnection,
  provider: TunnelStatusProvider,
  now: Date,
): TunnelTelemetry[] {
  return conn.tunnels.map((tunnel: SimVpnTunnel, index) => {
    const answer = provider(conn, index);
    const status = typeof answer === 'string' ? answer : answer.status;
    if (status !== tunnel.lastStatus) {
      tunnel.lastStatus = status;
      tunnel.lastStatusChange = now;
    }
    const defaultRoutes = conn.staticRoutesOnly ? 0 : 2;
    tunnel.acceptedRouteCount =
      status === 'UP'
        ? ((typeof answer === 'string' ? undefined : answer.acceptedRouteCount) ?? defaultRoutes)
        : 0;
    const statusMessage =
      status === 'UP' && !conn.staticRoutesOnly ? `${tunnel.acceptedRouteCount} BGP ROUTES` : '';
    return {
      outsideIp: tunnel.outsideIp,
      status,
      statusMessage,
      lastStatusChange: tunnel.lastStatusChange,
      acceptedRouteCount: tunnel.acceptedRouteCount,
    };
  });
}
