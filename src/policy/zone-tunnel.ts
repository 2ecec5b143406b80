/**
 * A tunnel that a runbook adds or removes (add-peer's site VTI, attach-vpc's two VGW tunnels,
 * the WireGuard interface a peer joins) put in, or taken out of, flatnet's firewall zone in the
 * same commit, so the traffic policy a router runs covers it at once, not at the next
 * `/vpn policy apply`.
 *
 * Why it must: VyOS 1.4 jumps to a zone's chain by the **outgoing** interface and, in it, sends a
 * packet that came in by an interface of no zone to the zone's `default-action` (vyos-1x
 * `data/templates/firewall/nftables-zone.j2`: `oifname { … } jump VZONE_<zone>`, then only
 * `iifname` of the zone itself or of a `from` zone is matched, then the default rule). So a new
 * VTI outside the zones is closed toward every zoned network, replies included (the rule set's
 * `state established` rule is only reached through a `from` zone), while what leaves by it is
 * not filtered at all.
 *
 * The zone lines are rendered by the apply's own `renderZones`, from the zones the router runs
 * now plus (or minus) the tunnel, and changed with the apply's own diff: the same words, and the
 * whole zone (with the `from` entries naming it) when its first interface comes or its last one
 * goes (VyOS refuses a zone without interfaces). A router that runs no flatnet zone gets
 * nothing: it has no policy, or it has not been applied yet, and the next apply zones it.
 *
 * The network behind the tunnel is judged by its addresses, as every network is: the role the
 * inventory gives it (its network-group was rendered by the last apply), else none of the
 * rule set's groups, which closes it to new connections both ways, the safest rule.
 */
import { diffTrafficPolicy } from './diff-traffic-policy.js';
import { renderZones, ZONE_OF } from './render-traffic-policy.js';
import type { ConfigLine } from '../vyos/types.js';

type InterfaceClass = keyof typeof ZONE_OF;

const FLATNET_ZONE = /^FLATNET-/;

const isZoneLine = (l: ConfigLine) =>
  l.op === 'set' &&
  l.path[0] === 'firewall' &&
  l.path[1] === 'zone' &&
  FLATNET_ZONE.test(l.path[2] ?? '');

/** The class of an interface by its name, as readPolicyFacts sorts them. */
export function interfaceClass(iface: string): InterfaceClass | undefined {
  if (/^vti\d+$/.test(iface)) return 'vti';
  if (/^wg\d+$/.test(iface)) return 'wireguard';
  if (/^eth\d+$/.test(iface)) return 'ethernet';
  return undefined;
}

/** The interfaces flatnet's zones hold on a router now, by class. */
function zonedInterfaces(current: readonly ConfigLine[]): Record<InterfaceClass, string[]> {
  const zoned: Record<InterfaceClass, string[]> = { ethernet: [], vti: [], wireguard: [] };
  const classOf = new Map(
    (Object.entries(ZONE_OF) as [InterfaceClass, string][]).map(([k, zone]) => [zone, k]),
  );
  for (const l of current.filter(isZoneLine)) {
    const kind = classOf.get(l.path[2]!);
    if (kind && l.path[3] === 'interface' && l.value && !zoned[kind].includes(l.value))
      zoned[kind].push(l.value);
  }
  return zoned;
}

function zoneChanges(
  current: readonly ConfigLine[],
  change: (zoned: Record<InterfaceClass, string[]>) => void,
): ConfigLine[] {
  const have = current.filter(isZoneLine);
  if (have.length === 0) return [];
  const zoned = zonedInterfaces(current);
  change(zoned);
  const named = (list: string[]) => list.map((name) => ({ name }));
  const desired = renderZones({
    ethernet: named(zoned.ethernet),
    vti: named(zoned.vti),
    wireguard: named(zoned.wireguard),
  });
  return diffTrafficPolicy(have, desired);
}

/**
 * The lines that put `interfaces` in their flatnet zone on a router whose configuration is
 * `current`; none when they are there already or the router runs no flatnet zone.
 */
export function zoneTunnelLines(
  current: readonly ConfigLine[],
  interfaces: readonly string[],
): ConfigLine[] {
  return zoneChanges(current, (zoned) => {
    for (const iface of interfaces) {
      const kind = interfaceClass(iface);
      if (kind && !zoned[kind].includes(iface)) zoned[kind].push(iface);
    }
  });
}

/** The lines that take `interfaces` out of flatnet's zones (none when they are in none). */
export function unzoneTunnelLines(
  current: readonly ConfigLine[],
  interfaces: readonly string[],
): ConfigLine[] {
  return zoneChanges(current, (zoned) => {
    for (const kind of Object.keys(zoned) as InterfaceClass[])
      zoned[kind] = zoned[kind].filter((i) => !interfaces.includes(i));
  });
}
