/**
 * Execute step 4: wait until AWS reports both tunnels UP in the VGW telemetry and the hub has
 * both BGP sessions Established. Polls with a doubling delay (quick in the simulator, a few
 * seconds apart against AWS), notes progress in the thread when it changes, and fails after
 * the configured timeout saying exactly what it saw.
 */
import { FlatnetError } from '../errors.js';
import type { TypedStepContext } from '../runbook/define-step.js';
import type { AttachVpcDeps, TunnelWait } from './attach-deps.js';
import { ATTACH_VPC_STEPS as S } from './attach-vpc-steps.js';

export interface TunnelSighting {
  /** Per tunnel: the VGW outside address, AWS's status and message. */
  tunnels: { outsideIp: string; status: string; message: string }[];
  /** Per BGP neighbour (the VGW inside addresses): the hub's state for it. */
  bgp: { address: string; state: string }[];
}

export function allUp(seen: TunnelSighting): boolean {
  return (
    seen.tunnels.length > 0 &&
    seen.tunnels.every((t) => t.status === 'UP') &&
    seen.bgp.every((b) => b.state === 'Established')
  );
}

export function describeSighting(seen: TunnelSighting): string {
  const tunnels = seen.tunnels
    .map((t) => `${t.outsideIp} ${t.status}${t.message ? ` (${t.message})` : ''}`)
    .join(', ');
  const bgp = seen.bgp.map((b) => `${b.address} ${b.state}`).join(', ');
  const up = seen.tunnels.filter((t) => t.status === 'UP').length;
  const est = seen.bgp.filter((b) => b.state === 'Established').length;
  return (
    `tunnels ${up}/${seen.tunnels.length} UP [${tunnels || 'none reported'}]` +
    `${seen.bgp.length > 0 ? `, BGP ${est}/${seen.bgp.length} Established [${bgp}]` : ''}`
  );
}

export const awaitTunnels =
  (wait: TunnelWait, clock: () => number, sleep: (ms: number) => Promise<void>) =>
  async (ctx: TypedStepContext<AttachVpcDeps>) => {
    const plan = ctx.result(S.resolve);
    const conn = ctx.result(S.vpnConnection);
    const hubResult = ctx.result(S.configureHub);
    if (ctx.dryRun || !conn.vpnConnectionId)
      return { detail: 'dry run: would wait for both tunnels and BGP' };
    const vpnConnectionId = conn.vpnConnectionId;
    const outside = hubResult.peers.map((p) => p.remoteAddress);
    const neighbors = hubResult.peers.flatMap((p) => (p.neighbor ? [p.neighbor] : []));
    const router = ctx.deps.routers.router(plan.hub);

    const look = async (): Promise<TunnelSighting> => {
      const [connections, bgp] = await Promise.all([
        ctx.deps.cloud.describeVpnConnections(plan.region),
        neighbors.length > 0 ? router.bgpSummary() : Promise.resolve(null),
      ]);
      const telemetry = connections.find((c) => c.id === vpnConnectionId)?.tunnels ?? [];
      const tunnels = (outside.length > 0 ? outside : telemetry.map((t) => t.outsideIp)).map(
        (ip) => {
          const t = telemetry.find((x) => x.outsideIp === ip);
          return {
            outsideIp: ip,
            status: t?.status ?? 'MISSING',
            message: t?.statusMessage ?? '',
          };
        },
      );
      const states = new Map((bgp?.neighbors ?? []).map((n) => [n.address, n.state]));
      return {
        tunnels,
        bgp: neighbors.map((address) => ({
          address,
          state: states.get(address) ?? 'not configured',
        })),
      };
    };

    const deadline = clock() + wait.timeoutMs;
    let delay = wait.firstPollMs;
    let shown = '';
    for (;;) {
      const seen = await look();
      const text = describeSighting(seen);
      if (allUp(seen)) return { detail: text };
      if (text !== shown) {
        shown = text;
        await ctx.note(`waiting for ${vpnConnectionId}: ${text}`);
      }
      if (clock() >= deadline) {
        throw new FlatnetError(
          'TIMEOUT',
          `${vpnConnectionId} was not fully up after ` +
            `${Math.round(wait.timeoutMs / 1000)} s: ${text}`,
          'AWS can take several minutes; check aws ec2 describe-vpn-connections ' +
            `--region ${plan.region} --vpn-connection-ids ${vpnConnectionId} and \`show ` +
            `vpn ipsec sa\` on ${plan.hub}, then run /vpn attach-vpc ${plan.requestedId} ` +
            `--region ${plan.region} again (it reuses the connection)`,
        );
      }
      await sleep(Math.min(delay, Math.max(0, deadline - clock())));
      delay = Math.min(delay * 2, wait.maxPollMs);
    }
  };
