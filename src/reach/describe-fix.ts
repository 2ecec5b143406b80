/** What to do about a broken hop, in an operator's words (the command or console action). */
import type { ReachContext } from './reach-context.js';
import type { ReachRouter, ReachVpc } from './reach-state.js';

export function vpcRoute(ctx: ReachContext, vpc: ReachVpc, network: string): string {
  const vgw = ctx.state.vgws.find((g) => g.gateway.vpcIds.includes(vpc.id));
  const table = vpc.table?.id ?? `the route table of ${vpc.id}`;
  if (vgw && !(vpc.table?.propagatingVgws ?? []).includes(vgw.gateway.id))
    return (
      `turn VGW route propagation on for ${table} from ${vgw.gateway.id}: ` +
      `run \`/vpn attach-vpc ${vpc.id} --region ${vpc.region}\` again (it ` +
      'enables propagation on every table of the VPC)'
    );
  if (vgw)
    return (
      `the hub must announce ${network} to ${vgw.gateway.id} ` +
      `(BGP) so that it propagates into ${table}`
    );
  const router = ctx.state.routers.find(
    (r) =>
      (r.instance?.interfaces ?? []).some((i) => i.vpcId === vpc.id) ||
      r.instance?.vpcId === vpc.id,
  );
  const target = router
    ? `${router.name}'s interface (` +
      (router.instance?.interfaces?.find((i) => i.vpcId === vpc.id)?.networkInterfaceId ??
        router.instance?.networkInterfaceId) +
      ')'
    : 'the router of this VPC';
  return (
    `add a route ${network} → ${target} to ${table} (EC2 console or \`aws ec2 create-route ` +
    `--route-table-id ${table} --destination-cidr-block ${network} --network-interface-id …\`)`
  );
}

export function blackhole(
  ctx: ReachContext,
  table: string,
  destination: string,
  target: string,
): string {
  const owner =
    ctx.routerOfEni(target)?.router ??
    ctx.state.routers.find((r) => r.instance?.instanceId === target);
  return owner
    ? `${owner.name} is not running: start it, or move ` +
        `its routes with \`/router failover ${owner.name}\``
    : `point ${destination} in ${table} at a running ` +
        `router's interface (\`aws ec2 replace-route\`)`;
}

export function notRunning(router: string): string {
  return (
    `start ${router}'s instance, or run \`/router failover ` +
    `${router}\` to move its traffic to the standby`
  );
}

export function unreadable(router: string): string {
  return (
    `check that ${router} answers over SSH (\`flatnet ` +
    `check\`, \`/router status ${router}\`), then ask again`
  );
}

export function readEc2(region: string): string {
  return (
    `check flatnet's EC2 access in ${region} (the IAM ` +
    'policy grants ec2:DescribeRouteTables), then ask again'
  );
}

export function sourceDestCheck(r: ReachRouter): string {
  const id = r.instance?.instanceId ?? r.entry.instanceId;
  return (
    `turn off source/destination check on ${r.name} (\`aws ec2 ` +
    `modify-instance-attribute --instance-id ${id} --no-source-dest-check\`)`
  );
}

export function selectors(peer: string, src: string, dst: string): string {
  return (
    `the IPsec selectors of ${peer} must cover ${src} ↔ ${dst} on ` +
    `both ends: widen them (or re-issue the site's configuration ` +
    `with \`/vpn remove-peer ${peer}\` and \`/vpn add-peer\`)`
  );
}

export function routerRoute(router: string, network: string): string {
  return (
    `${router} needs a route to ${network}: the router that owns it must announce ` +
    `it by BGP, or add \`set protocols static route ${network} …\` on ${router}`
  );
}

export function saDown(router: string, peer: string): string {
  return (
    `bring the tunnel ${peer} up: see \`/vpn status ${router}\`; ` +
    `on ${router}, \`reset vpn ipsec site-to-site peer ${peer}\``
  );
}

export function noHandshake(peer: string): string {
  return (
    `${peer}'s laptop must bring its tunnel up (\`wg-quick up\` ` +
    'with the file flatnet sent); flatnet cannot see past the router'
  );
}

export function loop(dst: string, network: string): string {
  return (
    `a default route sends ${dst} back where it came from: the router ` +
    `needs a specific route to ${network} (announced by BGP from the hub)`
  );
}

export function vgwDeliversOnlyLocal(vgw: string): string {
  return `${vgw} forwards only into its own VPC: send this traffic to the hub instead`;
}

export function vgwLearn(network: string): string {
  return (
    `the hub must announce ${network} to the VGW by BGP ` +
    `(\`/vpn attach-vpc\` adds the hub's announcements)`
  );
}

export function vgwTunnelsDown(vgw: string): string {
  return (
    `bring a tunnel of ${vgw}'s VPN connection up: see ` +
    `\`/vpn status\` (AWS telemetry and the hub's SAs)`
  );
}

export function wrongAddress(label: string): string {
  return `nothing answers there: check the address given for ${label}`;
}

/** A router's traffic policy drops the packet: on purpose, or a rule is missing. */
export function policyDrops(router: string): string {
  return (
    `if this path should work, add a rule for it to traffic.rules in the inventory, then ` +
    `/vpn policy apply (the policy on ${router} drops it; /vpn policy show lists the rules)`
  );
}
