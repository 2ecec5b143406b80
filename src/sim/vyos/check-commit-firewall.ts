/**
 * The commit-time checks of vyos-1x 1.4 (sagitta) `src/conf_mode/firewall.py` verify() and
 * verify_rule() for IPv4 rule sets, groups and zones, and of `src/conf_mode/qos.py` verify()
 * for shapers: their texts and their order. Only what a traffic policy can trip is modelled.
 */
import type { ConfigTree } from './config-tree.js';

const GROUP_KINDS = ['address-group', 'network-group', 'domain-group'] as const;

function checkRule(cfg: ConfigTree, at: string): string | undefined {
  if (!cfg.has(`${at} action`)) return 'Rule action must be defined';
  const action = cfg.value(`${at} action`);
  if (action === 'jump' && !cfg.has(`${at} jump-target`))
    return 'Action set to jump, but no jump-target specified';
  const target = cfg.value(`${at} jump-target`);
  if (target !== undefined) {
    if (action !== 'jump')
      return 'jump-target defined, but action jump needed and it is not defined';
    if (!cfg.has(`firewall ipv4 name ${target}`))
      return `Invalid jump-target. Firewall name ${target} does not exist on the system`;
  }
  for (const side of ['destination', 'source']) {
    const s = `${at} ${side}`;
    if (!cfg.has(s)) continue;
    if (['address', 'fqdn', 'geoip'].filter((k) => cfg.has(`${s} ${k}`)).length > 1)
      return 'Only one of address, fqdn or geoip can be specified';
    if (GROUP_KINDS.filter((k) => cfg.has(`${s} group ${k}`)).length > 1)
      return 'Only one address-group, network-group or domain-group can be specified';
    for (const kind of [...GROUP_KINDS, 'port-group', 'mac-group']) {
      const raw = cfg.value(`${s} group ${kind}`);
      if (raw === undefined) continue;
      const name = raw.startsWith('!') ? raw.slice(1) : raw;
      if ((GROUP_KINDS as readonly string[]).includes(kind)) {
        const clash = ['address', 'fqdn', 'geoip'].find((k) => cfg.has(`${s} ${k}`));
        if (clash) return `${kind} and ${clash} cannot both be defined`;
      }
      if (!cfg.has(`firewall group ${kind} ${name}`))
        return `Invalid ${kind} "${name}" on firewall rule`;
    }
    if (cfg.has(`${s} port`) || cfg.has(`${s} group port-group`)) {
      const protocol = cfg.value(`${at} protocol`);
      if (protocol === undefined)
        return 'Protocol must be defined if specifying a port or port-group';
      if (!['tcp', 'udp', 'tcp_udp'].includes(protocol))
        return 'Protocol must be tcp, udp, or tcp_udp when specifying a port or port-group';
    }
    if (cfg.has(`${s} port`) && cfg.has(`${s} group port-group`))
      return `${side} port-group and port cannot both be defined`;
  }
  return undefined;
}

function checkZones(cfg: ConfigTree): string | undefined {
  let localZone = false;
  const zoned: string[] = [];
  const zones = cfg.names('firewall zone');
  for (const zone of zones) {
    const z = `firewall zone ${zone}`;
    const local = cfg.has(`${z} local-zone`);
    const interfaces = cfg.values(`${z} interface`);
    if (!local && interfaces.length === 0)
      return `Zone "${zone}" has no interfaces and is not the local zone`;
    if (local) {
      if (localZone) return 'There cannot be multiple local zones';
      if (interfaces.length > 0) return 'Local zone cannot have interfaces assigned';
      if (cfg.has(`${z} intra-zone-filtering`)) return 'Local zone cannot use intra-zone-filtering';
      localZone = true;
    }
    if (interfaces.some((i) => zoned.includes(i)))
      return 'Interfaces cannot be assigned to multiple zones';
    zoned.push(...interfaces);
    const intra = `${z} intra-zone-filtering`;
    if (cfg.has(intra)) {
      const kinds = ['action', 'firewall'].filter((k) => cfg.has(`${intra} ${k}`));
      if (kinds.length > 1) return 'Only one intra-zone-filtering action must be specified';
      if (cfg.has(`${intra} firewall`)) {
        const name = cfg.value(`${intra} firewall name`);
        if (name !== undefined && !cfg.has(`firewall ipv4 name ${name}`))
          return `Firewall name "${name}" does not exist`;
        if (name === undefined && !cfg.has(`${intra} firewall ipv6-name`))
          return 'No firewall names specified for intra-zone-filtering';
      }
    }
    for (const from of cfg.names(`${z} from`)) {
      if (!zones.includes(from))
        return `Zone "${zone}" refers to a non-existent or deleted zone "${from}"`;
      const name = cfg.value(`${z} from ${from} firewall name`);
      if (name !== undefined && !cfg.has(`firewall ipv4 name ${name}`))
        return `Firewall name "${name}" does not exist`;
    }
  }
  return undefined;
}

export function checkFirewall(cfg: ConfigTree): string | undefined {
  for (const name of cfg.names('firewall ipv4 name')) {
    const n = `firewall ipv4 name ${name}`;
    if (cfg.value(`${n} default-action`) === 'jump' && !cfg.has(`${n} default-jump-target`))
      return 'default-action set to jump, but no default-jump-target specified';
    for (const rule of cfg.names(`${n} rule`)) {
      const problem = checkRule(cfg, `${n} rule ${rule}`);
      if (problem) return problem;
    }
  }
  return checkZones(cfg);
}

export function checkQos(cfg: ConfigTree): string | undefined {
  const policies = new Map<string, string>();
  for (const kind of cfg.names('qos policy'))
    for (const name of cfg.names(`qos policy ${kind}`)) {
      if (policies.has(name)) return `Conflicting policy name "${name}", already in use!`;
      policies.set(name, kind);
      const p = `qos policy ${kind} ${name}`;
      if (cfg.has(`${p} default`) && !cfg.has(`${p} default bandwidth`))
        return 'Bandwidth not defined for default traffic!';
    }
  for (const iface of cfg.names('qos interface')) {
    for (const direction of ['egress', 'ingress']) {
      const name = cfg.value(`qos interface ${iface} ${direction}`);
      if (name === undefined) continue;
      const kind = policies.get(name);
      if (kind === undefined) return `Selected QoS policy "${name}" does not exist!`;
      // vyos/qos/base.py: every kind shapes egress only, but limiter (ingress only); the
      // message prints the Python list.
      const supported = kind === 'limiter' ? 'ingress' : 'egress';
      if (direction !== supported)
        return `Selected QoS policy on interface "${iface}" only supports "['${supported}']"!`;
    }
  }
  return undefined;
}
