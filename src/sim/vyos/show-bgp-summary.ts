/**
 * `show ip bgp summary` in FRR 9.1's layout (FRR 7.5's for VyOS 1.3), with neighbours from
 * `protocols bgp neighbor` and their state from the live state. Only neighbours activated
 * for IPv4 unicast appear: VyOS 1.4 runs FRR with `no bgp default ipv4-unicast`.
 */
import type { ConfigTree } from './config-tree.js';
import type { RouterLiveState } from './live-state.js';
import { frrUptime } from './format-op-units.js';
import { naturalCompare } from './format-table.js';

export const BGP_NOT_FOUND = '% BGP instance not found';

function routerId(cfg: ConfigTree): string {
  const configured = cfg.value('protocols bgp parameters router-id');
  if (configured) return configured;
  // FRR picks the highest IPv4 address on the box when none is configured.
  const addresses: string[] = [];
  for (const type of ['loopback', 'dummy', 'ethernet', 'vti', 'wireguard']) {
    for (const iface of cfg.names(`interfaces ${type}`)) {
      for (const a of cfg.values(`interfaces ${type} ${iface} address`)) {
        const ip = a.split('/')[0] ?? '';
        if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) addresses.push(ip);
      }
    }
  }
  const score = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return addresses.sort((a, b) => score(b) - score(a))[0] ?? '0.0.0.0';
}

export function showBgpSummary(cfg: ConfigTree, live: RouterLiveState, version: string): string[] {
  const asn = cfg.value('protocols bgp system-as');
  if (!cfg.has('protocols bgp') || (!asn && version !== '1.3')) return [BGP_NOT_FOUND];
  const neighbors = cfg
    .names('protocols bgp neighbor')
    .filter(
      (n) =>
        version === '1.3' || cfg.has(`protocols bgp neighbor ${n} address-family ipv4-unicast`),
    )
    .sort(naturalCompare);
  if (neighbors.length === 0) return ['% No BGP neighbors found in VRF default'];
  const rows: string[] = [];
  let prefixes = 0;
  for (const address of neighbors) {
    const n = `protocols bgp neighbor ${address}`;
    const state = live.bgpNeighbor(address);
    const up = state.state === 'Established';
    const received = state.prefixesReceived ?? 0;
    const sent = state.prefixesSent ?? 0;
    if (up) prefixes += received;
    const messages = up ? Math.floor((state.upSeconds ?? 0) / 60) + 5 : 0;
    const remoteAs = cfg.value(`${n} remote-as`) ?? '0';
    const columns = [
      address.padEnd(16),
      '4',
      ` ${remoteAs.padStart(10)}`,
      ` ${String(messages).padStart(9)}`,
      ` ${String(messages + (up ? 7 : 0)).padStart(9)}`,
      ` ${String(up ? 1 : 0).padStart(8)}`,
      `    0    0`,
      ` ${frrUptime(state.upSeconds).padStart(8)}`,
      ` ${(up ? String(received) : state.state).padStart(12)}`,
      ` ${String(up ? sent : 0).padStart(8)}`,
    ];
    if (version !== '1.3')
      columns.push(` ${(cfg.value(`${n} description`) ?? 'N/A').slice(0, 20)}`);
    rows.push(columns.join(''));
  }
  const head =
    'Neighbor        V         AS   MsgRcvd   MsgSent   ' +
    'TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt';
  return [
    '',
    version === '1.3' ? 'IPv4 Unicast Summary:' : 'IPv4 Unicast Summary (VRF default):',
    `BGP router identifier ${routerId(cfg)}, local AS number ${asn ?? '0'} vrf-id 0`,
    `BGP table version ${prefixes + 1}`,
    `RIB entries ${prefixes}, using ${prefixes * 192} bytes of memory`,
    `Peers ${neighbors.length}, using ${neighbors.length * 20} KiB of memory`,
    '',
    version === '1.3' ? head : `${head} Desc`,
    ...rows,
    '',
    `Total number of neighbors ${neighbors.length}`,
  ];
}
