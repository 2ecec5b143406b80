/** One router's part of `/vpn status`: its IPsec SAs, WireGuard peers, BGP sessions and load. */
import type { RouterEntry } from '../config/inventory-schema.js';
import { describeError, RouterError } from '../errors.js';
import type { RouterStatus, TunnelStatus } from '../report/status-report.js';
import { withTimeout } from '../util/map-bounded.js';
import { readRouterReadingWith } from '../reach/read-router-reading.js';
import type { RouterReading } from '../reach/reach-state.js';
import { readSiteTunnels } from '../vyos/read-site-tunnels.js';
import type { ConfigLine, IpsecSaReport } from '../vyos/types.js';
import type { StatusRouters } from './status-ports.js';
import { formatDuration } from '../util/format-time.js';
import type { ShaperMemory } from './remember-shaper-samples.js';

export interface ReadRouterOptions {
  name: string;
  entry: RouterEntry;
  routers: StatusRouters;
  timeoutMs: number;
  loadThreshold: number;
  /** Given the running configuration once read (the standby drift check compares them). */
  keepConfig?: (lines: ConfigLine[]) => void;
  /** Also read what reachability needs (`show ip route`, every WireGuard interface). */
  forReach?: boolean;
  /** Read the egress shapers' counters and judge them against the last reading kept here. */
  shapers?: ShaperMemory;
}

export async function readRouterStatus(options: ReadRouterOptions): Promise<RouterStatus> {
  return (await readRouterStatusAndReading(options)).status;
}

/** The router's status, and the reading it came from (for the reachability headline). */
export async function readRouterStatusAndReading({
  name,
  entry,
  routers,
  timeoutMs,
  loadThreshold,
  keepConfig,
  forReach = false,
  shapers,
}: ReadRouterOptions): Promise<{
  status: RouterStatus;
  reading: RouterReading | { error: string };
}> {
  const base = { router: name, region: entry.region, role: entry.role, loadThreshold };
  try {
    return await withTimeout(
      readReachable(name, entry, routers, keepConfig, forReach, shapers).then(
        ({ reading, ...r }) => ({
          status: { ...base, ...r },
          reading,
        }),
      ),
      timeoutMs,
      () =>
        new RouterError(
          'TIMEOUT',
          name,
          `${name} did not answer within ${timeoutMs / 1000} s`,
          'check that the router is running and reachable over SSH (`flatnet check`)',
        ),
    );
  } catch (err) {
    const error = describeError(err).split('\n')[0] ?? 'unknown error';
    return { status: { ...base, reachable: false, error, tunnels: [] }, reading: { error } };
  }
}

async function readReachable(
  name: string,
  entry: RouterEntry,
  routers: StatusRouters,
  keepConfig: ((lines: ConfigLine[]) => void) | undefined,
  forReach: boolean,
  shaperMemory: ShaperMemory | undefined,
): Promise<Omit<RouterStatus, 'router' | 'region' | 'role'> & { reading: RouterReading }> {
  const client = routers.router(name);
  // Everything in one round trip on a pooled session: the reading, BGP, the load and the
  // shapers' counters.
  const wg = entry.wireguard?.interface;
  const expectShapers = shaperMemory ? { expectShapers: shaperMemory.expected(name) } : {};
  const { reading, bgp, load, shapers } = await readRouterReadingWith(
    client,
    forReach
      ? { expectWireguard: wg ? [wg] : [], ...expectShapers }
      : { routes: false, wireguard: wg ? [wg] : [], ...expectShapers },
    true,
  );
  const { config, sas } = reading;
  keepConfig?.(config);
  const wireguard = reading.wireguard.find((w) => w.interface === wg);

  const tunnels: TunnelStatus[] = [];
  const sitePeers = readSiteTunnels(config).peers.filter((p) => !p.disabled);
  if (!sas.processRunning && entry.role !== 'standby' && sitePeers.length > 0) {
    tunnels.push({
      name: 'IPsec',
      kind: 'ipsec',
      state: 'down',
      detail: 'IPsec not running (IPsec not initialized)',
    });
  }
  tunnels.push(...ipsecTunnels(sitePeers, sas));
  for (const n of bgp?.neighbors ?? []) {
    const established = n.state === 'Established';
    tunnels.push({
      name:
        'BGP ' +
        `${n.address}${n.description && n.description !== 'N/A' ? ` (${n.description})` : ''}`,
      kind: 'bgp',
      state: established ? 'up' : 'down',
      remote: `AS${n.remoteAs}`,
      detail: established ? `${n.prefixesReceived ?? 0} prefixes, up ${n.upDown}` : n.state,
    });
  }
  for (const peer of wireguard?.peers ?? []) {
    // A WireGuard peer has no session state: a handshake in the last 3 minutes means it is
    // connected.
    const recent = peer.latestHandshakeSeconds !== undefined && peer.latestHandshakeSeconds < 180;
    tunnels.push({
      name: peer.name ?? peer.allowedIps[0] ?? peer.publicKey.slice(0, 8),
      kind: 'wireguard',
      state: recent ? 'up' : 'down',
      ...(peer.endpoint ? { remote: peer.endpoint } : {}),
      detail:
        peer.latestHandshakeSeconds === undefined
          ? 'no handshake yet'
          : `handshake ${formatDuration(peer.latestHandshakeSeconds * 1000, 'compact')} ago`,
    });
  }
  const shaping = shaperMemory?.compare(name, shapers ?? [], config) ?? [];
  const shapingErrors = (shapers ?? []).flatMap((s) => (s.error ? [`${s.iface}: ${s.error}`] : []));
  return {
    reachable: true,
    tunnels,
    load5: load!.load5,
    reading,
    ...(shaping.length > 0 ? { shaping } : {}),
    ...(shapingErrors.length > 0 ? { shapingErrors } : {}),
  };
}

type ConfiguredPeer = ReturnType<typeof readSiteTunnels>['peers'][number];

/**
 * Every configured child SA joined with the SA table. VyOS prints a row only for a child SA
 * that exists (vyos-1x `show vpn ipsec sa` lists VICI's SAs), so a peer that is down has no
 * row: a missing row is a tunnel down, never a tunnel that is not there. Rows of children the
 * configuration does not name (a hand-made swanctl connection) are kept as read.
 */
function ipsecTunnels(peers: ConfiguredPeer[], report: IpsecSaReport): TunnelStatus[] {
  const tunnels: TunnelStatus[] = [];
  const byName = new Map(report.sas.map((sa) => [sa.connection, sa]));
  const configured = new Set<string>();
  for (const peer of peers) {
    for (const child of peer.children) {
      configured.add(child);
      const sa = byName.get(child);
      const remote = sa?.remoteAddress ?? peer.remoteAddress;
      tunnels.push({
        name: child,
        kind: 'ipsec',
        state: sa?.state ?? 'down',
        ...(remote ? { remote } : {}),
        ...(sa?.state === 'up' && sa.uptimeSeconds !== undefined
          ? { detail: `up ${formatDuration(sa.uptimeSeconds * 1000, 'compact')}` }
          : { detail: sa ? 'negotiating' : 'no SA' }),
      });
    }
  }
  for (const sa of report.sas) {
    if (configured.has(sa.connection)) continue;
    tunnels.push({
      name: sa.connection,
      kind: 'ipsec',
      state: sa.state,
      ...(sa.remoteAddress ? { remote: sa.remoteAddress } : {}),
      ...(sa.state === 'up' && sa.uptimeSeconds !== undefined
        ? { detail: `up ${formatDuration(sa.uptimeSeconds * 1000, 'compact')}` }
        : {}),
    });
  }
  return tunnels;
}
