/**
 * Execute step 4 (`configure-standby`): the same two VGW tunnels on the hub's warm standby, so
 * that `/router failover` keeps the VPC. The customer gateway is the Elastic IP, which the
 * standby takes over, so AWS sees the same peer; only `local-address` differs: the lines are
 * the hub's, rendered once from the parameters AWS generated (read again here, pre-shared keys
 * included, and dropped) and rewritten to the standby's private address. Same peer names, VTI
 * numbers and BGP neighbours as on the hub, since the failover plan compares them by name.
 *
 * Also when the hub was already attached (a VPC attached before standbys were kept in step):
 * a re-run of /vpn attach-vpc then brings the standby up to date, and is the fix the summary
 * names when the standby was down. A stopped or unreachable standby is left behind loudly;
 * one that answers but clashes (a VTI in use) fails the run, and the hub's change is undone.
 */
import { FlatnetError } from '../errors.js';
import { reachStandby, standbyWarning } from '../onboarding/reach-standby.js';
import type { TypedOutcome, TypedStepContext } from '../runbook/define-step.js';
import { resultIn } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';
import { announcementLines, missingAnnouncements } from '../onboarding/hub-announcements.js';
import { renderVgwTunnels } from '../vyos/render-vgw-tunnels.js';
import { rewritePrivateAddress } from '../vyos/rewrite-private-address.js';
import type { AttachVpcDeps } from './attach-deps.js';
import {
  ATTACH_VPC_STEPS as S,
  type AttachPlan,
  type HubTunnelsResult,
  type StandbyTunnelsResult,
} from './attach-vpc-steps.js';
import { asOverrideLines, neighborsLackingAsOverride } from './as-override.js';
import { readGeneratedConfig, removalLines, type HubOptions } from './configure-hub.js';
import { peerTo, readHubTunnels } from './read-hub-tunnels.js';
import { zoneTunnelLines } from '../policy/zone-tunnel.js';

type Ctx = TypedStepContext<AttachVpcDeps>;

const outcome = (result: StandbyTunnelsResult, detail: string) => ({ result, detail });

/**
 * The hub's tunnels for this connection, from this run's step 3 or, when it was already attached,
 * from the hub itself.
 */
async function hubTunnels(
  ctx: Ctx,
  plan: AttachPlan,
  outside: string[],
): Promise<HubTunnelsResult['peers']> {
  const hubResult = ctx.result(S.configureHub);
  if (!hubResult.skipped) return hubResult.peers;
  const hub = readHubTunnels(await ctx.deps.routers.router(plan.hub).runningConfig());
  return outside.flatMap((address) => {
    const p = peerTo(hub, address);
    return p
      ? [
          {
            name: p.name,
            vti: Number(p.vti?.replace(/^vti/, '') ?? NaN),
            remoteAddress: address,
            neighbor: null,
          },
        ]
      : [];
  });
}

export const configureStandbyTunnels =
  (options: HubOptions) =>
  async (ctx: Ctx): Promise<TypedOutcome<StandbyTunnelsResult>> => {
    const plan = ctx.result(S.resolve);
    const conn = ctx.result(S.vpnConnection);
    const base: StandbyTunnelsResult = {
      standby: null,
      applied: false,
      notUpdated: null,
      privateIp: null,
      peers: [],
      staticPrefixes: [],
    };
    const reach = await reachStandby(ctx.deps, plan.hub);
    if (reach.kind === 'none') return outcome(base, `${plan.hub} has no standby`);
    if (reach.kind === 'unavailable') {
      await ctx.note(
        `WARNING: ${reach.reason}. ${plan.vpcName} is attached to ${plan.hub} ` +
          `but NOT to its standby ${reach.name}: a failover would drop it.`,
      );
      return outcome(
        { ...base, standby: reach.name, notUpdated: reach.reason },
        `NOT on the standby ${reach.name}: ${reach.reason}`,
      );
    }
    const mine = { ...base, standby: reach.name, privateIp: reach.privateIp };
    const vpnConnectionId = conn.vpnConnectionId ?? plan.existing?.vpnConnectionId;
    if (!vpnConnectionId)
      return outcome(
        mine,
        'dry run: would add the same tunnels on the ' +
          `standby ${reach.name}, bound to ${reach.privateIp}`,
      );

    const config = await readGeneratedConfig(ctx, plan, vpnConnectionId);
    const outside = config.tunnels.map((t) => t.vpnGateway.outsideAddress);
    const standby = readHubTunnels(reach.lines);
    const there = outside.map((a) => peerTo(standby, a));
    if (there.every((p) => p !== undefined))
      return outcome(
        mine,
        `the standby ${reach.name} already has ${there.map((p) => p.name).join(' and ')}`,
      );

    const peers = await hubTunnels(ctx, plan, outside);
    const baseName = peers[0]?.name.replace(/-tun1$/, '');
    if (
      peers.length !== 2 ||
      !baseName ||
      peers[1]?.name !== `${baseName}-tun2` ||
      peers.some((p) => !Number.isInteger(p.vti))
    ) {
      const reason =
        `${plan.hub}'s tunnels to ${vpnConnectionId} ` +
        `(${peers.map((p) => p.name).join(', ') || 'none found'}) ` +
        'are not the pair flatnet names <vpc>-tun1/-tun2';
      await ctx.note(`WARNING: ${reason}; the standby ${reach.name} was not changed.`);
      return outcome(
        { ...mine, notUpdated: reason },
        `NOT on the standby ${reach.name}: ${reason}`,
      );
    }
    if (there.some((p) => p !== undefined)) {
      throw new FlatnetError(
        'ROUTER_COMMAND',
        `the standby ${reach.name} has a tunnel to only ` +
          `one of ${vpnConnectionId}'s two outside addresses`,
        `remove that peer from ${reach.name} by hand, then run /vpn ` +
          `attach-vpc ${plan.requestedId} --region ${plan.region} again`,
      );
    }
    const clash = peers.filter((p) => standby.vtiNumbers.has(p.vti) || standby.peers.has(p.name));
    if (clash.length > 0) {
      throw new FlatnetError(
        'ROUTER_COMMAND',
        `the standby ${reach.name} already uses ` +
          `${clash.map((p) => `vti${p.vti} or the name ${p.name}`).join(', ')}: ` +
          `it has drifted from ${plan.hub}`,
        `compare \`show configuration commands | match vti\` on both ` +
          `hubs and bring ${reach.name} in line, then run /vpn ` +
          `attach-vpc ${plan.requestedId} --region ${plan.region} again`,
      );
    }
    const staticPrefixes = config.staticRoutesOnly && plan.vpcCidr ? [plan.vpcCidr] : [];
    // The standby announces what the hub does, from its own configuration, so a failover keeps it.
    const announced = config.staticRoutesOnly
      ? []
      : missingAnnouncements(ctx.deps.inventory, reach.privateIp, reach.lines);
    const overridden = config.staticRoutesOnly
      ? []
      : neighborsLackingAsOverride(reach.lines, config.tunnels[0].vpnGateway.asn);
    const rendered = renderVgwTunnels({
      config,
      name: baseName,
      localAddress: plan.hubPrivateIp,
      vtiNumbers: [peers[0]!.vti, peers[1]!.vti],
      staticPrefixes,
      announce: [...announcementLines(announced), ...asOverrideLines(overridden)],
    });
    const lines = [
      ...rewritePrivateAddress(rendered, { from: plan.hubPrivateIp, to: reach.privateIp }).lines,
      // The standby runs the same policy: both tunnels join its zone there too.
      ...zoneTunnelLines(reach.lines, [`vti${peers[0]!.vti}`, `vti${peers[1]!.vti}`]),
    ];
    const result: StandbyTunnelsResult = {
      ...mine,
      peers: peers.map((p, i) => ({
        ...p,
        neighbor: config.staticRoutesOnly ? null : config.tunnels[i]!.vpnGateway.insideAddress,
      })),
      staticPrefixes,
      announced,
      overridden,
    };
    const names = result.peers.map((p) => `${p.name} on vti${p.vti}`).join(', ');
    if (ctx.dryRun)
      return outcome(
        result,
        `dry run: would add ${lines.length} lines on the standby ` +
          `${reach.name} (${names}), bound to ${reach.privateIp}`,
      );

    await ctx.assertStillOwner();
    const applied = await ctx.deps.routers.router(reach.name).applyConfig(lines, {
      confirmMinutes: options.confirmMinutes,
      async verify(router) {
        const config = await router.runningConfig();
        const now = readHubTunnels(config);
        for (const p of result.peers) {
          if (now.peers.get(p.name)?.remoteAddress !== p.remoteAddress)
            throw new Error(`peer ${p.name} is not in the running configuration`);
          const bound = config.find(
            (l) => l.path.join(' ') === `vpn ipsec site-to-site peer ${p.name} local-address`,
          )?.value;
          if (bound !== reach.privateIp)
            throw new Error(
              `peer ${p.name} is bound to ${bound ?? 'no address'}, ` +
                `not to the standby's own ${reach.privateIp}`,
            );
        }
      },
    });
    await ctx.note(`compare on ${reach.name}:\n${applied.compare.trim()}`);
    return outcome(
      { ...result, applied: applied.changed },
      `${lines.length} lines on the standby ${reach.name} ` +
        `(local-address ${reach.privateIp}): ${names}`,
    );
  };

/** Undo: the tunnels this run put on the standby go again. */
export const removeStandbyTunnels = (options: HubOptions) => async (ctx: Ctx) => {
  // Absent when this step failed: its commit was discarded (or rolls back by itself).
  const res = ctx.resultIfAny(S.configureStandby);
  if (!res?.applied || !res.standby) return;
  const standby = ctx.deps.routers.router(res.standby);
  await standby.applyConfig(
    removalLines(
      {
        skipped: false,
        added: true,
        peers: res.peers,
        lines: 0,
        staticRoutesOnly: res.staticPrefixes.length > 0,
        staticPrefixes: res.staticPrefixes,
        announced: res.announced ?? [],
        overridden: res.overridden ?? [],
      },
      await standby.runningConfig(),
    ),
    { confirmMinutes: options.confirmMinutes },
  );
  await ctx.note(
    `removed ${res.peers.map((p) => `${p.name} (vti${p.vti})`).join(' and ')} ` +
      `from the standby ${res.standby}`,
  );
};

/** The summary's sentence about the standby: where the tunnels also went, or the loud warning. */
export function describeStandby(run: Readonly<Run>, plan: AttachPlan): string {
  const res = resultIn(run, S.configureStandby);
  if (!res?.standby) return '';
  if (res.notUpdated) {
    return (
      ' ' +
      standbyWarning(
        res,
        `a failover would drop ${plan.vpcName}`,
        `run /vpn attach-vpc ${plan.requestedId} --region ${plan.region} again ` +
          `once ${res.standby} runs (it adds the tunnels to the standby only)`,
      )
    );
  }
  return res.applied ? ` The standby ${res.standby} carries the same tunnels.` : '';
}
