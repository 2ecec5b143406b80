/**
 * Plan step (`check-standby` for a failover, `check-primary` for a failback): everything the
 * approver needs, read while nothing is touched, and a refusal, before anyone is asked to
 * approve, of what would cut tunnels: a receiving router that is not running, drops forwarded
 * packets (source/dest check on), does not answer SSH, or lacks some of the giving router's
 * peers or BGP neighbours. The giving router may be broken (that is why one fails over): if it
 * does not answer, the plan says so and the receiver must bring up every tunnel it has.
 */
import type { RouterEntry } from '../../config/inventory-schema.js';
import { BadInputError, describeError, FlatnetError } from '../../errors.js';
import type { RouteRef } from '../../cutover/cutover.js';
import type { StepAction } from '../../runbook/define-step.js';
import type { BgpSummary, ConfigLine, IpsecSaReport } from '../../vyos/types.js';
import {
  compareSiteTunnels,
  describeTunnelGaps,
  missingWireguardPeers,
} from '../compare-site-tunnels.js';
import type { FailoverDeps } from '../failover-deps.js';
import type { FailoverDirection, FailoverFacts, RouterSideFacts } from '../failover-steps.js';
import { findRouterPair } from '../find-router-pair.js';
import { readSiteTunnels } from '../../vyos/read-site-tunnels.js';

type GiverReading =
  { config: ConfigLine[]; ipsec: IpsecSaReport; bgp: BgpSummary | null } | { problem: string };

export function checkReceivingRouter(
  direction: FailoverDirection,
): StepAction<FailoverDeps, FailoverFacts> {
  return async (ctx) => {
    const { inventory, cloud, routers, routerFacts } = ctx.deps;
    const pair = findRouterPair(inventory, ctx.run.target, direction);
    const region = pair.primaryEntry.region;
    // After a scale-up the inventory may still name the replaced instance.
    const instanceIdOf = async (name: string, entry: RouterEntry) => {
      const known = await routerFacts.get(name);
      return known &&
        (known.instanceId === entry.instanceId || known.replaces.includes(entry.instanceId))
        ? known.instanceId
        : entry.instanceId;
    };
    const [giverName, receiverName] =
      direction === 'failover' ? [pair.primary, pair.standby] : [pair.standby, pair.primary];
    const [giverId, receiverId] = await Promise.all([
      instanceIdOf(giverName, inventory.routers[giverName]!),
      instanceIdOf(receiverName, inventory.routers[receiverName]!),
    ]);
    // One EC2 round: the route tables are read whole (EC2 filters them by VPC or id only, not
    // by interface) and matched to the giver's interface below, so they need not wait for it.
    const readAt = ctx.deps.clock();
    const [giver, receiver, address, allTables] = await Promise.all([
      cloud.describeInstance(region, giverId),
      cloud.describeInstance(region, receiverId),
      cloud.describeAddress(region, pair.primaryEntry.elasticIp.allocationId),
      cloud.describeRouteTables(region),
    ]);

    if (receiver.state !== 'running') {
      throw new BadInputError(
        `${receiverName} (${receiverId}) is ${receiver.state}, ` +
          'not running: it cannot take the traffic',
        'start it (aws ec2 start-instances --instance-ids ' +
          `${receiverId}), wait until it runs, then ask again`,
      );
    }
    if (receiver.sourceDestCheck) {
      throw new BadInputError(
        `source/dest check is on for ${receiverName} ` +
          `(${receiverId}): it would drop every packet it forwards`,
        'turn it off (aws ec2 modify-instance-attribute --instance-id ' +
          `${receiverId} --no-source-dest-check), then ask again`,
      );
    }
    const holder = address.networkInterfaceId;
    if (holder && holder !== giver.networkInterfaceId && holder !== receiver.networkInterfaceId) {
      throw new BadInputError(
        `the Elastic IP ${address.publicIp} is on ` +
          `${holder}${address.instanceId ? ` (${address.instanceId})` : ''}, ` +
          `which is neither ${pair.primary} nor ${pair.standby}`,
        'find out who moved it and why; flatnet does not take the Elastic IP from a third router',
      );
    }
    const routes: RouteRef[] = allTables.flatMap((t) =>
      t.routes
        .filter(
          (r) => r.networkInterfaceId === giver.networkInterfaceId || r.instanceId === giverId,
        )
        .map((r) => ({ routeTableId: t.id, destination: r.destination })),
    );
    if (holder === receiver.networkInterfaceId && routes.length === 0) {
      throw new BadInputError(
        `${receiverName} already holds ${address.publicIp} and ` +
          `no route points at ${giverName}: there is nothing to ` +
          `${direction === 'failover' ? 'fail over' : 'fail back'}`,
        direction === 'failover'
          ? `to move the traffic back to the primary: /router failback ${pair.primary}`
          : `to move the traffic to the standby: /router failover ${pair.primary}`,
      );
    }

    // SSH last: the slowest checks, and only worth doing once EC2 says the move is possible.
    // Both routers at once: the giver's reading never fails the plan (a broken giver is why
    // one fails over), the receiver's does.
    const [receiverRead, reading] = await Promise.all([
      routers
        .router(receiverName)
        .runningConfig()
        .then(
          (config) => ({ config }),
          (err: unknown) => ({ err }),
        ),
      Promise.all([
        routers.router(giverName).runningConfig(),
        routers.router(giverName).ipsecReport(),
        routers.router(giverName).bgpSummary(),
      ]).then(
        ([config, ipsec, bgp]): GiverReading => ({ config, ipsec, bgp }),
        (err: unknown): GiverReading => ({
          problem: describeError(err).split('\n')[0] ?? 'unreadable',
        }),
      ),
    ]);
    if ('err' in receiverRead) {
      throw new FlatnetError(
        'ROUTER_UNREACHABLE',
        `${receiverName} does not answer over SSH ` +
          `(${describeError(receiverRead.err).split('\n')[0]}): ` +
          'flatnet cannot check its tunnels or bring them up',
        `fix SSH to ${receiverName} (routers.${receiverName}.ssh in ` +
          'the inventory, its security group, sshd), then ask again',
      );
    }
    const receiverConfig: ConfigLine[] = receiverRead.config;

    const receiverTunnels = readSiteTunnels(receiverConfig);
    const giverTunnels =
      'config' in reading
        ? readSiteTunnels(reading.config)
        : { peers: [], bgpNeighbors: [], wireguardPeers: [] };
    const gaps = describeTunnelGaps(
      compareSiteTunnels(giverTunnels, receiverTunnels, receiver.privateIp),
      giverName,
      receiverName,
      receiver.privateIp,
    );
    if (gaps) {
      throw new BadInputError(
        `${gaps}: ${direction === 'failover' ? 'failing over' : 'failing back'} ` +
          `to ${receiverName} would drop those tunnels`,
        `configure ${receiverName} to match ${giverName} (compare \`show configuration ` +
          `commands | match site-to-site\` and \`| match bgp\` on both), then ask again`,
      );
    }

    // What the receiver must bring up before the routes move: what the giver carried, or,
    // when the giver is unreadable or carried nothing (broken), everything the receiver has.
    const upPeers = new Set(
      'config' in reading
        ? reading.ipsec.sas.filter((sa) => sa.state === 'up').map((sa) => sa.peer)
        : [],
    );
    const established = new Set(
      'config' in reading
        ? (reading.bgp?.neighbors ?? [])
            .filter((n) => n.state === 'Established')
            .map((n) => n.address)
        : [],
    );
    const basis = upPeers.size > 0 ? 'up-on-from' : 'all-configured';
    const activePeers = receiverTunnels.peers.filter((p) => !p.disabled);
    const expectedSas = activePeers
      .filter((p) => basis === 'all-configured' || upPeers.has(p.name))
      .flatMap((p) => p.children);
    const expectedBgp =
      basis === 'all-configured'
        ? receiverTunnels.bgpNeighbors
        : receiverTunnels.bgpNeighbors.filter((n) => established.has(n));

    const side = (router: string, i: typeof giver): RouterSideFacts => ({
      router,
      instanceId: i.instanceId,
      networkInterfaceId: i.networkInterfaceId,
      privateIp: i.privateIp,
      type: i.type,
      state: i.state,
    });
    const facts: FailoverFacts = {
      direction,
      primary: pair.primary,
      standby: pair.standby,
      region,
      from: {
        ...side(giverName, giver),
        readable: 'config' in reading,
        problem: 'problem' in reading ? reading.problem : null,
        sasUp: 'config' in reading ? reading.ipsec.sas.filter((sa) => sa.state === 'up').length : 0,
        bgpEstablished: established.size,
      },
      to: {
        ...side(receiverName, receiver),
        peers: activePeers.length,
        bgpNeighbors: receiverTunnels.bgpNeighbors.length,
      },
      elasticIp: {
        allocationId: address.allocationId,
        publicIp: address.publicIp,
        holderInstanceId: address.instanceId ?? null,
        holderInterfaceId: address.networkInterfaceId ?? null,
        readAt,
      },
      routes,
      expectedSas,
      expectedBgp,
      expectedBasis: basis,
      wireguardMissing: missingWireguardPeers(giverTunnels, receiverTunnels),
      compared:
        'config' in reading
          ? {
              peers: giverTunnels.peers.filter((p) => !p.disabled).length,
              bgpNeighbors: giverTunnels.bgpNeighbors.length,
            }
          : null,
    };
    return {
      result: facts,
      detail:
        `${receiverName} running, source/dest check off, SSH answers, ` +
        (facts.compared
          ? `carries ${giverName}'s ${facts.compared.peers} peers ` +
            `and ${facts.compared.bgpNeighbors} BGP neighbours`
          : `${giverName} unreadable (${facts.from.problem ?? '?'})`) +
        `; ${routes.length} routes and ${address.publicIp} to move`,
    };
  };
}
