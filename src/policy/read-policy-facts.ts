/**
 * What the renderer needs to know about one router, read from real state (the same reading
 * `/vpn reach` takes: its running configuration over SSH, EC2's instances, VPCs and VPN
 * connections): its interfaces by class, and which network each one delivers into.
 *
 * - `ethN`: the VPC of the instance's interface at device index N (EC2);
 * - a VTI: the peer that binds it; a VGW tunnel delivers into the VGW's VPC, a site peer into
 *   that site (`traffic.sites`); a VTI to another flatnet router carries several networks and
 *   is shaped at the far router's legs instead;
 * - a WireGuard interface: the pool that holds its own address, and its peers' /32s.
 */
import { cidrContains } from '../net/cidr.js';
import type { TrafficPolicy } from '../config/traffic-policy.js';
import type { ReachState, ReachRouter } from '../reach/reach-state.js';
import type { PolicyRouterFacts } from './render-traffic-policy.js';
import type { ConfigLine } from '../vyos/types.js';

const under = (config: ConfigLine[], ...head: string[]) =>
  config.filter(
    (l) => l.op === 'set' && head.every((w, i) => l.path[i] === w) && l.path.length > head.length,
  );

function names(config: ConfigLine[], kind: string): string[] {
  return [...new Set(under(config, 'interfaces', kind).map((l) => l.path[2]!))];
}

export function readPolicyFacts(
  state: ReachState,
  policy: TrafficPolicy | undefined,
  r: ReachRouter,
): PolicyRouterFacts | { error: string } {
  const config = r.reading?.config;
  if (!config) return { error: r.error ?? `${r.name} could not be read` };
  const vpcLabel = (vpcId: string | undefined) => {
    const v = state.vpcs.find((x) => x.id === vpcId);
    return v ? `${v.region}/${v.name}` : undefined;
  };
  const ethernet = names(config, 'ethernet').map((name) => {
    const index = Number(name.slice(3));
    const leg = r.instance?.interfaces?.find((i) => i.deviceIndex === index);
    const vpcId = leg?.vpcId ?? (index === 0 ? r.instance?.vpcId : undefined);
    return { name, network: vpcLabel(vpcId) };
  });
  const peers = under(config, 'vpn', 'ipsec', 'site-to-site', 'peer');
  const vti = names(config, 'vti').map((name) => {
    const bind = peers.find((l) => l.path[5] === 'vti' && l.path[6] === 'bind' && l.value === name);
    const peer = bind?.path[4];
    const remote = peers.find((l) => l.path[4] === peer && l.path[5] === 'remote-address')?.value;
    const vgw = state.vgws.find((g) =>
      g.connections.some((c) => c.tunnels.some((t) => t.outsideIp === remote)),
    );
    const network =
      vgw !== undefined
        ? vpcLabel(vgw.gateway.vpcIds[0])
        : peer !== undefined && policy?.networks.some((n) => n.label === `site/${peer}`)
          ? `site/${peer}`
          : undefined;
    return { name, network };
  });
  const wireguard = names(config, 'wireguard').map((name) => {
    const lines = under(config, 'interfaces', 'wireguard', name);
    const address = lines.find((l) => l.path[3] === 'address')?.value?.split('/')[0];
    const pool = policy?.networks.find(
      (n) => n.kind === 'wireguard' && address && n.cidrs.some((c) => cidrContains(c, address)),
    );
    const wgPeers = new Map<string, string>();
    for (const l of lines)
      if (l.path[3] === 'peer' && l.path[5] === 'allowed-ips' && l.value?.endsWith('/32'))
        if (!wgPeers.has(l.path[4]!)) wgPeers.set(l.path[4]!, l.value.slice(0, -3));
    return {
      name,
      network: pool?.label,
      peers: [...wgPeers].map(([peer, addr]) => ({ name: peer, address: addr })),
    };
  });
  return { router: r.name, ethernet, vti, wireguard };
}
