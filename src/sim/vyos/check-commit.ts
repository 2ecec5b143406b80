/**
 * The commit-time checks of the VyOS config scripts a driver can trip: WireGuard peers
 * without keys or allowed-ips, IPsec peers pointing at missing groups, BGP without an AS.
 * Like VyOS, only sections that changed are checked (their scripts are the ones that run).
 */
import type { ConfigTree } from './config-tree.js';
import { renderSetLines } from './config-tree.js';

export interface CommitFailure {
  section: string;
  message: string;
}

function sectionChanged(active: ConfigTree, working: ConfigTree, path: string): boolean {
  const render = (tree: ConfigTree): string => {
    const node = tree.find(path.split(' '));
    const out: string[] = [];
    if (node) renderSetLines(node, [], out);
    return `${node ? 'y' : 'n'}${out.join('\n')}`;
  };
  return render(active) !== render(working);
}

function checkWireguard(cfg: ConfigTree, iface: string): string | undefined {
  const base = `interfaces wireguard ${iface}`;
  if (!cfg.has(`${base} private-key`)) return 'Wireguard private-key not defined';
  const peers = cfg.names(`${base} peer`);
  if (peers.length === 0) return `At least one Wireguard peer is required for ${iface}!`;
  const seenKeys = new Set<string>();
  for (const peer of peers) {
    const p = `${base} peer ${peer}`;
    if (cfg.has(`${p} disable`)) continue;
    if (!cfg.has(`${p} allowed-ips`)) return `Wireguard allowed-ips required for peer "${peer}"!`;
    const key = cfg.value(`${p} public-key`);
    if (!key) return `Wireguard public-key required for peer "${peer}"!`;
    if (cfg.has(`${p} address`) !== cfg.has(`${p} port`)) {
      return `Both Wireguard port and address must be defined for peer "${peer}"!`;
    }
    if (seenKeys.has(key)) return `Duplicate public-key defined on peer "${peer}"`;
    seenKeys.add(key);
  }
  return undefined;
}

function checkIpsec(cfg: ConfigTree): string | undefined {
  const ike = new Set(cfg.names('vpn ipsec ike-group'));
  const esp = new Set(cfg.names('vpn ipsec esp-group'));
  const vtis = new Set(cfg.names('interfaces vti'));
  for (const peer of cfg.names('vpn ipsec site-to-site peer')) {
    const p = `vpn ipsec site-to-site peer ${peer}`;
    const ikeGroup = cfg.value(`${p} ike-group`);
    if (!ikeGroup || !ike.has(ikeGroup)) return `Invalid ike-group on site-to-site peer ${peer}`;
    const defaultEsp = cfg.value(`${p} default-esp-group`);
    if (defaultEsp && !esp.has(defaultEsp)) return `Invalid esp-group on site-to-site peer ${peer}`;
    if (cfg.has(`${p} vti`)) {
      const bind = cfg.value(`${p} vti bind`);
      if (!bind || !vtis.has(bind)) return `Invalid VTI interface on site-to-site peer ${peer}`;
      const group = cfg.value(`${p} vti esp-group`) ?? defaultEsp;
      if (!group) return `Missing esp-group on site-to-site peer ${peer}`;
      if (!esp.has(group)) return `Invalid esp-group on site-to-site peer ${peer}`;
    }
    for (const tunnel of cfg.names(`${p} tunnel`)) {
      const group = cfg.value(`${p} tunnel ${tunnel} esp-group`) ?? defaultEsp;
      if (!group) return `Missing esp-group on site-to-site peer ${peer} tunnel ${tunnel}`;
      if (!esp.has(group)) return `Invalid esp-group on site-to-site peer ${peer} tunnel ${tunnel}`;
    }
  }
  return undefined;
}

function checkBgp(cfg: ConfigTree): string | undefined {
  if (!cfg.has('protocols bgp system-as')) return 'BGP system-as number must be defined!';
  for (const neighbor of cfg.names('protocols bgp neighbor')) {
    const n = `protocols bgp neighbor ${neighbor}`;
    if (!cfg.has(`${n} remote-as`) && !cfg.has(`${n} peer-group`))
      return `Neighbor "${neighbor}" remote-as must be set!`;
  }
  return undefined;
}

export function checkCommit(active: ConfigTree, working: ConfigTree): CommitFailure[] {
  const failures: CommitFailure[] = [];
  for (const iface of working.names('interfaces wireguard')) {
    const section = `interfaces wireguard ${iface}`;
    if (!sectionChanged(active, working, section)) continue;
    const message = checkWireguard(working, iface);
    if (message) failures.push({ section, message });
  }
  if (working.has('vpn ipsec') && sectionChanged(active, working, 'vpn ipsec')) {
    const message = checkIpsec(working);
    if (message) failures.push({ section: 'vpn ipsec', message });
  }
  if (working.has('protocols bgp') && sectionChanged(active, working, 'protocols bgp')) {
    const message = checkBgp(working);
    if (message) failures.push({ section: 'protocols bgp', message });
  }
  return failures;
}

/** The text VyOS prints for failed commit scripts; drivers match on the last line. */
export function formatCommitFailures(failures: CommitFailure[]): string[] {
  const lines: string[] = [];
  for (const f of failures)
    lines.push(`[ ${f.section} ]`, f.message, '', `[[${f.section}]] failed`);
  lines.push('Commit failed');
  return lines;
}
