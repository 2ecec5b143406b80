/**
 * Execute step 3: turn the parameters AWS generated into two VTI tunnels with BGP on the hub.
 * The configuration (pre-shared keys included) is read from AWS here, rendered, applied with
 * commit-confirm + verify + confirm + save, and dropped: only names, numbers and addresses
 * are saved. The thread gets the redacted `compare`. Undo removes exactly what was added.
 */
import { CloudError, FlatnetError } from '../errors.js';
import type { TypedOutcome, TypedStepContext } from '../runbook/define-step.js';
import type { StepContext } from '../runbook/types.js';
import { del } from '../vyos/config-line.js';
import {
  parseCustomerGatewayConfig,
  type CustomerGatewayConfig,
} from '../vyos/parse-customer-gateway-config.js';
import {
  announcementLines,
  announcementRemovalLines,
  missingAnnouncements,
} from '../onboarding/hub-announcements.js';
import { renderIpsecPeerRemoval } from '../vyos/render-ipsec-peer.js';
import { renderVgwTunnels } from '../vyos/render-vgw-tunnels.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { ConfigLine } from '../vyos/types.js';
import type { AttachVpcDeps } from './attach-deps.js';
import {
  ATTACH_VPC_STEPS as S,
  type AttachPlan,
  type HubTunnelsResult,
} from './attach-vpc-steps.js';
import {
  asOverrideLines,
  asOverrideRemovalLines,
  neighborsLackingAsOverride,
} from './as-override.js';
import { chooseTunnelBaseName, chooseVtiNumbers } from './choose-tunnel-names.js';
import { placeholderConfig } from './placeholder-config.js';
import { peerTo, readHubTunnels } from './read-hub-tunnels.js';
import { unzoneTunnelLines, zoneTunnelLines } from '../policy/zone-tunnel.js';

type Ctx = Pick<StepContext<AttachVpcDeps>, 'deps'>;

export async function readGeneratedConfig(
  ctx: Ctx,
  plan: AttachPlan,
  vpnConnectionId: string,
): Promise<CustomerGatewayConfig> {
  const conn = (await ctx.deps.cloud.describeVpnConnections(plan.region)).find(
    (c) => c.id === vpnConnectionId,
  );
  if (!conn?.customerGatewayConfiguration) {
    throw new CloudError(
      'MissingCustomerGatewayConfiguration',
      `${vpnConnectionId} has no generated configuration (state ${conn?.state ?? 'gone'}); ` +
        'AWS serves it only while the connection is pending or available',
      `check it: aws ec2 describe-vpn-connections --region ${plan.region} ` +
        `--vpn-connection-ids ${vpnConnectionId}; if it was deleted, run ` +
        `/vpn attach-vpc ${plan.requestedId} --region ${plan.region} again`,
    );
  }
  return parseCustomerGatewayConfig(conn.customerGatewayConfiguration);
}

/**
 * The hub must present the address and ASN AWS expects, or the tunnels never come up (or worse, BGP
 * moves AS).
 */
function checkMatchesHub(
  config: CustomerGatewayConfig,
  plan: AttachPlan,
  systemAs: number | undefined,
): void {
  const cgw = config.tunnels[0].customerGateway;
  if (cgw.outsideAddress !== plan.hubPublicIp) {
    throw new CloudError(
      'CustomerGatewayMismatch',
      `${config.vpnConnectionId} expects the customer gateway at ` +
        `${cgw.outsideAddress}, but the hub is ${plan.hubPublicIp}`,
      `delete it and run /vpn attach-vpc ${plan.requestedId} --region ${plan.region} again`,
    );
  }
  const hubAs = systemAs ?? plan.hubAsn;
  if (!config.staticRoutesOnly && cgw.asn !== hubAs) {
    throw new CloudError(
      'CustomerGatewayMismatch',
      `${config.vpnConnectionId} uses customer gateway ASN ` +
        `${cgw.asn ?? '?'}, but ${plan.hub} runs AS ${hubAs}: applying ` +
        `it would change the hub's system-as and drop every BGP session`,
      'delete the VPN connection and its customer gateway, then run ' +
        `/vpn attach-vpc ${plan.requestedId} --region ${plan.region} again`,
    );
  }
}

function verifyPeers(peers: HubTunnelsResult['peers']) {
  return async (router: RouterClient): Promise<void> => {
    const hub = readHubTunnels(await router.runningConfig());
    for (const p of peers) {
      const found = hub.peers.get(p.name);
      if (found?.remoteAddress !== p.remoteAddress || found.vti !== `vti${p.vti}`)
        throw new Error(
          `peer ${p.name} (vti${p.vti} → ${p.remoteAddress}) is not in the running configuration`,
        );
    }
  };
}

/**
 * What this run added, taken off again; `current` (the router's configuration now) tells which of
 * its tunnels are in flatnet's zones, which go first (VyOS refuses a zone naming a deleted VTI).
 */
export function removalLines(res: HubTunnelsResult, current: readonly ConfigLine[]): ConfigLine[] {
  return [
    ...unzoneTunnelLines(
      current,
      res.peers.map((p) => `vti${p.vti}`),
    ),
    ...res.peers.flatMap((p) => [
      ...renderIpsecPeerRemoval(p.name, p.vti),
      ...(p.neighbor ? [del(['protocols', 'bgp', 'neighbor', p.neighbor])] : []),
    ]),
    ...res.staticPrefixes.map((prefix) => del(['protocols', 'static', 'route', prefix])),
    ...announcementRemovalLines(res.announced ?? []),
    ...asOverrideRemovalLines(res.overridden ?? []),
  ];
}

export interface HubOptions {
  confirmMinutes: number;
}

export const configureHub =
  (options: HubOptions) =>
  async (ctx: TypedStepContext<AttachVpcDeps>): Promise<TypedOutcome<HubTunnelsResult>> => {
    const plan = ctx.result(S.resolve);
    const conn = ctx.result(S.vpnConnection);
    const skipped: HubTunnelsResult = {
      skipped: true,
      added: false,
      peers: [],
      lines: 0,
      staticRoutesOnly: false,
      staticPrefixes: [],
    };
    if (plan.alreadyAttached)
      return {
        result: skipped,
        detail: `already attached: ${plan.hub} has ${plan.hubPeers.join(' and ')}`,
      };
    const router = ctx.deps.routers.router(plan.hub);
    const hubLines = await router.runningConfig();
    const hub = readHubTunnels(hubLines);
    const config = conn.vpnConnectionId
      ? await readGeneratedConfig(ctx, plan, conn.vpnConnectionId)
      : placeholderConfig(plan);
    checkMatchesHub(config, plan, hub.systemAs);

    const present = config.tunnels.map((t) => peerTo(hub, t.vpnGateway.outsideAddress));
    if (present.every((p) => p !== undefined)) {
      // Resumed after the commit (the plan saw no tunnels, so this run added them).
      const peers = present.map((p, i) => ({
        name: p.name,
        vti: Number(p.vti?.replace(/^vti/, '') ?? NaN),
        remoteAddress: config.tunnels[i]!.vpnGateway.outsideAddress,
        neighbor: config.staticRoutesOnly ? null : config.tunnels[i]!.vpnGateway.insideAddress,
      }));
      const res: HubTunnelsResult = {
        skipped: false,
        added: !ctx.dryRun,
        peers,
        lines: 0,
        staticRoutesOnly: config.staticRoutesOnly,
        staticPrefixes: [],
      };
      return {
        result: res,
        detail: `${plan.hub} already has ${peers.map((p) => p.name).join(' and ')}`,
      };
    }
    if (present.some((p) => p !== undefined)) {
      throw new FlatnetError(
        'ROUTER_COMMAND',
        `${plan.hub} has a tunnel to only one of ${config.vpnConnectionId}'s two outside addresses`,
        'remove that peer by hand, then run again',
      );
    }

    const vtiNumbers = chooseVtiNumbers(hub.vtiNumbers);
    const name = chooseTunnelBaseName(plan.vpcName, new Set(hub.peers.keys()));
    let staticPrefixes: string[] = [];
    if (config.staticRoutesOnly) {
      if (!plan.vpcCidr)
        throw new FlatnetError(
          'INVENTORY',
          `${config.vpnConnectionId} is static-routes-only and the ` +
            `inventory does not give ${plan.vpcId ?? plan.vgwId}'s CIDR`,
          `add the VPC under regions.${plan.region}.vpcs with its cidr, then run again`,
        );
      staticPrefixes = [plan.vpcCidr];
    }
    // What the VGW must learn from the hub besides what BGP passes on
    // (src/onboarding/hub-announcements.ts).
    const announced = config.staticRoutesOnly
      ? []
      : missingAnnouncements(ctx.deps.inventory, plan.hubPrivateIp, hubLines);
    // A VGW of the same AS attached before must not drop this VPC's prefix as a loop.
    const overridden = config.staticRoutesOnly
      ? []
      : neighborsLackingAsOverride(hubLines, config.tunnels[0].vpnGateway.asn);
    const lines = [
      ...renderVgwTunnels({
        config,
        name,
        localAddress: plan.hubPrivateIp,
        vtiNumbers,
        staticPrefixes,
        announce: [...announcementLines(announced), ...asOverrideLines(overridden)],
      }),
      // The traffic policy covers both tunnels from this commit on (src/policy/zone-tunnel.ts).
      ...zoneTunnelLines(
        hubLines,
        vtiNumbers.map((n) => `vti${n}`),
      ),
    ];
    const peers = config.tunnels.map((t, i) => ({
      name: `${name}-tun${i + 1}`,
      vti: vtiNumbers[i]!,
      remoteAddress: t.vpnGateway.outsideAddress,
      neighbor: config.staticRoutesOnly ? null : t.vpnGateway.insideAddress,
    }));
    const result: HubTunnelsResult = {
      skipped: false,
      added: false,
      peers,
      lines: lines.length,
      staticRoutesOnly: config.staticRoutesOnly,
      staticPrefixes,
      announced,
      overridden,
    };
    const names = `${peers.map((p) => `${p.name} on vti${p.vti}`).join(', ')}`;

    if (ctx.dryRun) {
      const shown = await router.applyConfig(lines, { dryRun: true });
      await ctx.note(
        `${plan.hub} would get ${lines.length} lines` +
          (conn.vpnConnectionId
            ? ''
            : ' (placeholder addresses and key: AWS picks the real ones)') +
          `:\n${shown.compare.trim()}`,
      );
      return {
        result: result,
        detail: `dry run: would add ${lines.length} lines on ${plan.hub} (${names})`,
      };
    }
    await ctx.assertStillOwner();
    const applied = await router.applyConfig(lines, {
      confirmMinutes: options.confirmMinutes,
      verify: verifyPeers(peers),
    });
    await ctx.note(`compare on ${plan.hub}:\n${applied.compare.trim()}`);
    return {
      result: { ...result, added: applied.changed },
      detail: `${lines.length} lines on ${plan.hub}: ${names}`,
    };
  };

/** Undo: exactly the lines this run added on the hub go again. */
export const removeHubTunnels =
  (options: HubOptions) => async (ctx: TypedStepContext<AttachVpcDeps>) => {
    // Absent when this step is the one that failed: the driver discarded the change (or its
    // commit-confirm rolls back by itself), so there is nothing of ours on the hub.
    const res = ctx.resultIfAny(S.configureHub);
    if (!res?.added) return;
    const plan = ctx.result(S.resolve);
    const router = ctx.deps.routers.router(plan.hub);
    await router.applyConfig(removalLines(res, await router.runningConfig()), {
      confirmMinutes: options.confirmMinutes,
      async verify(client) {
        const hub = readHubTunnels(await client.runningConfig());
        const left = res.peers.filter((p) => hub.peers.has(p.name));
        if (left.length > 0)
          throw new Error(`${left.map((p) => p.name).join(', ')} still configured`);
      },
    });
    await ctx.note(
      `removed ${res.peers.map((p) => `${p.name} (vti${p.vti})`).join(' and ')} from ${plan.hub}`,
    );
  };
