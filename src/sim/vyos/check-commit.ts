/**
 * The commit-time checks of the VyOS config scripts a driver can trip: WireGuard peers
 * without keys or allowed-ips, IPsec peers pointing at missing groups, BGP without an AS,
 * failover next hops without an interface or a check target, firewall rules, groups and zones,
 * qos shapers (check-commit-firewall.ts).
 * Like VyOS, only sections that changed are checked (their scripts are the ones that run).
 */
import type { ConfigTree } from './config-tree.js';
import { renderSetLines } from './config-tree.js';
import { checkFirewall, checkQos } from './check-commit-firewall.js';
import { deriveWireguardPublicKey } from './wireguard-keys.js';

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

// Texts and order of vyos-1x `src/conf_mode/interfaces_wireguard.py` verify() (1.4/1.5).
function checkWireguard(cfg: ConfigTree, iface: string): string | undefined {
  const base = `interfaces wireguard ${iface}`;
  const privateKey = cfg.value(`${base} private-key`);
  if (!privateKey) return 'Wireguard private-key not defined';
  const seenKeys = new Set<string>();
  for (const peer of cfg.names(`${base} peer`)) {
    const p = `${base} peer ${peer}`;
    if (!cfg.has(`${p} allowed-ips`)) return `Wireguard allowed-ips required for peer "${peer}"!`;
    const key = cfg.value(`${p} public-key`);
    if (!key) return `Wireguard public-key required for peer "${peer}"!`;
    if (cfg.has(`${p} address`) !== cfg.has(`${p} port`)) {
      return (
        'Both Wireguard port and address must be defined ' +
        `for peer "${peer}" if either one of them is set!`
      );
    }
    if (seenKeys.has(key)) return `Duplicate public-key defined on peer "${peer}"`;
    if (!cfg.has(`${p} disable`) && deriveWireguardPublicKey(privateKey) === key)
      return `Peer "${peer}" has the same public key as the interface "${iface}"`;
    seenKeys.add(key);
  }
  return undefined;
}

// Texts and order of vyos-1x `src/conf_mode/vpn_ipsec.py` verify(), site-to-site part.
function checkIpsec(cfg: ConfigTree): string | undefined {
  const ike = new Set(cfg.names('vpn ipsec ike-group'));
  const esp = new Set(cfg.names('vpn ipsec esp-group'));
  const vtis = new Set(cfg.names('interfaces vti'));
  for (const peer of cfg.names('vpn ipsec site-to-site peer')) {
    const p = `vpn ipsec site-to-site peer ${peer}`;
    // The peer name is the swanctl connection name (T4118).
    if (/[:.]/.test(peer))
      return (
        `Incorrect peer name "${peer}" ` +
        'Peer name can contain alpha-numeric letters, hyphen and underscore'
      );
    const defaultEsp = cfg.value(`${p} default-esp-group`);
    if (defaultEsp && !esp.has(defaultEsp)) return `Invalid esp-group on site-to-site peer ${peer}`;
    const ikeGroup = cfg.value(`${p} ike-group`);
    if (!ikeGroup) return `Missing ike-group on site-to-site peer ${peer}`;
    if (!ike.has(ikeGroup)) return `Invalid ike-group on site-to-site peer ${peer}`;
    if (!cfg.has(`${p} authentication mode`))
      return `Missing authentication on site-to-site peer ${peer}`;
    if (!cfg.has(`${p} local-address`) && !cfg.has(`${p} dhcp-interface`))
      return `Missing local-address or dhcp-interface on site-to-site peer ${peer}`;
    const bind = cfg.value(`${p} vti bind`);
    if (bind && !vtis.has(bind))
      return `VTI interface ${bind} for site-to-site peer ${peer} does not exist!`;
    const tunnels = cfg.names(`${p} tunnel`);
    if (!cfg.has(`${p} vti`) && tunnels.length === 0)
      return `No VTI or tunnel specified on site-to-site peer ${peer}`;
    for (const tunnel of tunnels) {
      const group = cfg.value(`${p} tunnel ${tunnel} esp-group`) ?? defaultEsp;
      if (!group) return `Missing esp-group on tunnel ${tunnel} for site-to-site peer ${peer}`;
      if (!esp.has(group))
        return `Invalid esp-group on tunnel ${tunnel} for site-to-site peer ${peer}`;
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
    // vyos-1x `src/conf_mode/protocols_bgp.py` verify() calls `verify_prefix_list()`
    // (python/vyos/configverify.py): a filter must name an existing list, in these words.
    for (const direction of ['import', 'export']) {
      const list = cfg.value(`${n} address-family ipv4-unicast prefix-list ${direction}`);
      if (list !== undefined && !cfg.has(`policy prefix-list ${list}`))
        return `Specified prefix-list "${list}" does not exist!`;
    }
  }
  return undefined;
}

/**
 * vyos-1x `src/conf_mode/protocols_failover.py` verify(), its texts and order. Defaults are
 * merged first (`check type icmp`, `policy any-available`, `timeout 10`, `metric 1`), so a
 * next hop without `check` still has one, only without a target.
 */
function checkFailover(cfg: ConfigTree): string | undefined {
  // An empty `protocols failover` is an empty dict there (`if not failover: return None`), so
  // its `Failover "route" is mandatory!` never fires: nothing to check without routes.
  for (const route of cfg.names('protocols failover route')) {
    const r = `protocols failover route ${route}`;
    const nextHops = cfg.names(`${r} next-hop`);
    if (nextHops.length === 0) return `Next-hop for "${route}" is mandatory!`;
    for (const nextHop of nextHops) {
      const n = `${r} next-hop ${nextHop}`;
      if (!cfg.has(`${n} interface`))
        return `Interface for route "${route}" next-hop "${nextHop}" is mandatory!`;
      if (!cfg.has(`${n} check target`))
        return `Check target for next-hop "${nextHop}" is mandatory!`;
      if ((cfg.value(`${n} check type`) ?? 'icmp') === 'tcp' && !cfg.has(`${n} check port`))
        return `Check port for next-hop "${nextHop}" and type TCP is mandatory!`;
    }
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
  if (working.has('protocols failover') && sectionChanged(active, working, 'protocols failover')) {
    const message = checkFailover(working);
    if (message) failures.push({ section: 'protocols failover', message });
  }
  if (sectionChanged(active, working, 'firewall')) {
    const message = checkFirewall(working);
    if (message) failures.push({ section: 'firewall', message });
  }
  if (sectionChanged(active, working, 'qos')) {
    const message = checkQos(working);
    if (message) failures.push({ section: 'qos', message });
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
