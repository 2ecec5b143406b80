/**
 * Plan step: everything the approver needs to judge the change, read while nothing is
 * touched. It also refuses, before anyone is asked to approve, what cannot work: a standby
 * as target, no Elastic IP, a type the wrong way on the ladder, no base AMI, a router that
 * does not hold its own Elastic IP (it is not the one forwarding: scaling it would steal it),
 * a configuration that could not be typed into the new router (check-config-copies.ts).
 */
import { findRouter } from '../../util/find-router.js';
import { BadInputError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import { assertConfigCopies } from '../check-config-copies.js';
import { chooseTargetType, type ScaleDirection } from '../choose-target-type.js';
import type { ScaleDeps } from '../scale-deps.js';
import type { LoadFactsResult, RouteRef } from '../scale-steps.js';

export const BASE_IMAGE_TAG = { key: 'Role', value: 'VyattaBase' } as const;

export function loadFacts(direction: ScaleDirection): StepAction<ScaleDeps, LoadFactsResult> {
  return async (ctx) => {
    const { inventory, cloud, routers, routerFacts } = ctx.deps;
    const name = ctx.run.target;
    const entry = findRouter(inventory.routers, name);
    if (entry.role === 'standby')
      throw new BadInputError(
        `${name} is a standby router`,
        'scale the primary it stands in for; a standby is scaled by replacing it outside flatnet',
      );
    if (!entry.elasticIp)
      throw new BadInputError(
        `${name} has no Elastic IP in the inventory`,
        `add routers.${name}.elasticIp: { allocationId, publicIp }; the ` +
          'tunnels follow the Elastic IP, so flatnet cannot move them without it',
      );

    // After an earlier replacement the inventory may still name the old instance.
    const known = await routerFacts.get(name);
    const instanceId = known?.instanceId ?? entry.instanceId;
    const region = entry.region;
    const instance = await cloud.describeInstance(region, instanceId);
    if (instance.state !== 'running')
      throw new BadInputError(
        `${name} (${instanceId}) is ${instance.state}, not running`,
        `start it or fix routers.${name}.instanceId; flatnet scales only a router that forwards`,
      );
    const subnetId = entry.subnetId ?? instance.subnetId;
    if (!subnetId)
      throw new BadInputError(
        `flatnet does not know where to launch ${name}'s replacement`,
        `add routers.${name}.subnetId to the inventory`,
      );

    const requested =
      typeof ctx.run.params['type'] === 'string' ? ctx.run.params['type'] : undefined;
    const targetType = chooseTargetType({
      router: name,
      direction,
      currentType: instance.type,
      ladder: entry.ladder,
      ...(requested ? { requested } : {}),
    });

    const [address, tables, image] = await Promise.all([
      cloud.describeAddress(region, entry.elasticIp.allocationId),
      cloud.describeRouteTables(region, { networkInterfaceId: instance.networkInterfaceId }),
      cloud.newestImageTagged(region, BASE_IMAGE_TAG.key, BASE_IMAGE_TAG.value),
    ]);
    if (!image)
      throw new BadInputError(
        `there is no AMI tagged ${BASE_IMAGE_TAG.key}=${BASE_IMAGE_TAG.value} in ${region}`,
        `build or copy the VyOS base image into ${region} and ` +
          `tag it ${BASE_IMAGE_TAG.key}=${BASE_IMAGE_TAG.value}`,
      );
    if (address.networkInterfaceId && address.networkInterfaceId !== instance.networkInterfaceId) {
      throw new BadInputError(
        `the Elastic IP ${address.publicIp} is on ${address.networkInterfaceId}` +
          `${address.instanceId ? ` (${address.instanceId})` : ''}, not on ` +
          `${name}'s ${instance.networkInterfaceId}`,
        `${name} is not the router terminating the tunnels (after a failover the ` +
          'standby is): fail back first, or scale the router that holds the address',
      );
    }
    const routes: RouteRef[] = tables.flatMap((t) =>
      t.routes
        .filter(
          (r) =>
            r.networkInterfaceId === instance.networkInterfaceId || r.instanceId === instanceId,
        )
        .map((r) => ({ routeTableId: t.id, destination: r.destination })),
    );

    const router = routers.router(name);
    const [load, ipsec, bgp, config] = await Promise.all([
      router.loadAverage(),
      router.ipsecReport(),
      router.bgpSummary(),
      router.runningConfig(),
    ]);
    assertConfigCopies(name, config, instance.privateIp);
    const facts: LoadFactsResult = {
      router: name,
      region,
      direction,
      instanceId,
      currentType: instance.type,
      state: instance.state,
      networkInterfaceId: instance.networkInterfaceId,
      privateIp: instance.privateIp,
      subnetId,
      load5: load.load5,
      loadThreshold: inventory.monitor.loadThreshold,
      elasticIp: {
        allocationId: address.allocationId,
        publicIp: address.publicIp,
        holderInstanceId: address.instanceId ?? null,
        holderInterfaceId: address.networkInterfaceId ?? null,
      },
      routes,
      extraInterfaces: (instance.extraInterfaces ?? []).map((e) => ({
        networkInterfaceId: e.networkInterfaceId,
        deviceIndex: e.deviceIndex,
      })),
      targetType,
      image: { imageId: image.imageId, name: image.name, creationDate: image.creationDate },
      tunnelsUp: ipsec.sas.filter((sa) => sa.state === 'up').length,
      bgpEstablished: (bgp?.neighbors ?? []).filter((n) => n.state === 'Established').length,
    };
    return {
      result: facts,
      detail:
        `${name} ${instance.type} → ${targetType}, load ` +
        `${load.load5.toFixed(2)}, ${routes.length} routes, AMI ${image.imageId}`,
    };
  };
}
