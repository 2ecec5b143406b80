import { Ec2ApiError, invalidParameter, missingParameter } from '../ec2-error.js';
import { applyFilters, type FilterFields } from '../query.js';
import type { Ec2State } from '../state.js';
import { INSTANCE_STATE_CODES, type InstanceStateName, type SimInstance } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';

function stateXml(name: InstanceStateName): XmlObject {
  return { code: INSTANCE_STATE_CODES[name], name };
}

function publicIpOf(state: Ec2State, inst: SimInstance): string | undefined {
  for (const a of state.addresses.values())
    if (a.networkInterfaceId === inst.networkInterfaceId) return a.publicIp;
  return undefined;
}

export function instanceXml(state: Ec2State, inst: SimInstance): XmlObject {
  const subnet = state.subnets.get(inst.subnetId);
  const publicIp = publicIpOf(state, inst);
  return {
    instanceId: inst.instanceId,
    imageId: inst.imageId,
    instanceState: stateXml(inst.state),
    stateReason: inst.stateReason,
    privateIpAddress: inst.privateIp,
    ipAddress: publicIp,
    instanceType: inst.type,
    launchTime: inst.launchTime,
    placement: {
      availabilityZone: subnet?.availabilityZone ?? `${inst.region}a`,
      tenancy: 'default',
    },
    subnetId: inst.subnetId,
    vpcId: inst.vpcId,
    sourceDestCheck: inst.sourceDestCheck,
    clientToken: inst.clientToken,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    // Every attached interface, the primary first (device index 0), as AWS lists them.
    networkInterfaceSet: [
      {
        networkInterfaceId: inst.networkInterfaceId,
        subnetId: inst.subnetId,
        vpcId: inst.vpcId,
        privateIp: inst.privateIp,
        publicIp,
        deviceIndex: 0,
        attachmentId: `eni-attach-${inst.networkInterfaceId.slice(4)}`,
      },
      ...[...state.networkInterfaces.values()]
        .filter(
          (e) =>
            e.instanceId === inst.instanceId && e.networkInterfaceId !== inst.networkInterfaceId,
        )
        .map((e) => ({
          ...e,
          publicIp: undefined as string | undefined,
          deviceIndex: e.deviceIndex ?? 1,
          attachmentId: e.attachmentId ?? `eni-attach-${e.networkInterfaceId.slice(4)}`,
        }))
        .sort((x, y) => x.deviceIndex - y.deviceIndex),
    ].map((eni) => ({
      networkInterfaceId: eni.networkInterfaceId,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      ownerId: state.accountId,
      status: 'in-use',
      privateIpAddress: eni.privateIp,
      sourceDestCheck: inst.sourceDestCheck,
      attachment: {
        attachmentId: eni.attachmentId,
        deviceIndex: eni.deviceIndex,
        status: 'attached',
        deleteOnTermination: eni.deviceIndex === 0,
      },
      association: eni.publicIp
        ? { publicIp: eni.publicIp, ipOwnerId: state.accountId }
        : undefined,
    })),
    tagSet: tagSet(inst.tags),
  };
}

const instanceFilter: FilterFields<SimInstance> = {
  'instance-id': (inst) => [inst.instanceId],
  'instance-state-name': (inst) => [inst.state],
  'instance-type': (inst) => [inst.type],
  'vpc-id': (inst) => [inst.vpcId],
  'subnet-id': (inst) => [inst.subnetId],
  'image-id': (inst) => [inst.imageId],
  'private-ip-address': (inst) => [inst.privateIp],
  'client-token': (inst) => [inst.clientToken],
  'network-interface.network-interface-id': (inst) => [inst.networkInterfaceId],
};

function reservationsXml(state: Ec2State, instances: SimInstance[]): XmlObject[] {
  const byReservation = new Map<string, SimInstance[]>();
  for (const i of instances)
    byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
  return [...byReservation].map(([reservationId, list]) => ({
    reservationId,
    ownerId: state.accountId,
    groupSet: [],
    instancesSet: list.map((i) => instanceXml(state, i)),
  }));
}

export function describeInstances({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('InstanceId');
  let instances: SimInstance[];
  if (ids.length > 0) {
    instances = ids.map((id) => {
      if (!/^i-[0-9a-f]{8,17}$/.test(id))
        throw new Ec2ApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
      return state.need(state.instances, region, id, 'InvalidInstanceID.NotFound', 'instance ID');
    });
  } else {
    instances = state.inRegion(state.instances, region);
  }
  return {
    reservationSet: reservationsXml(
      state,
      applyFilters(instances, params.filters(), instanceFilter),
    ),
  };
}

export function runInstances(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const imageId = params.require('ImageId');
  const type = params.get('InstanceType') ?? 'm1.small';
  const subnetId = params.require('SubnetId');
  const minCount = params.int('MinCount') ?? 1;
  const maxCount = params.int('MaxCount') ?? 1;
  if (minCount < 1 || maxCount < minCount)
    throw invalidParameter('MinCount must be at least 1 and not more than MaxCount.');
  const clientToken = params.get('ClientToken');
  if (clientToken !== undefined && clientToken.length > 64)
    throw invalidParameter('ClientToken must be 64 ASCII characters or fewer.');
  const request = {
    imageId,
    type,
    subnetId,
    privateIp: params.get('PrivateIpAddress'),
    count: maxCount,
    clientToken,
    tags: params.tagSpecification('instance'),
  };
  if (params.bool('DryRun')) {
    // Validate what a real launch would: image, subnet.
    state.need(state.images, region, imageId, 'InvalidAMIID.NotFound', 'image id');
    state.need(state.subnets, region, subnetId, 'InvalidSubnetID.NotFound', 'subnet ID');
    stopIfDryRun(ctx);
  }
  const { reservationId, instances } = state.runInstances(region, request);
  return {
    reservationId,
    ownerId: state.accountId,
    groupSet: [],
    instancesSet: instances.map((i) => instanceXml(state, i)),
  };
}

function changeStates(
  ctx: ActionContext,
  change: (
    region: string,
    id: string,
  ) => { previous: InstanceStateName; current: InstanceStateName },
): XmlObject {
  const ids = ctx.params.list('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  for (const id of ids)
    ctx.state.need(
      ctx.state.instances,
      ctx.region,
      id,
      'InvalidInstanceID.NotFound',
      'instance ID',
    );
  stopIfDryRun(ctx);
  return {
    instancesSet: ids.map((id) => {
      const { previous, current } = change(ctx.region, id);
      return { instanceId: id, currentState: stateXml(current), previousState: stateXml(previous) };
    }),
  };
}

export function stopInstances(ctx: ActionContext): XmlObject {
  return changeStates(ctx, (region, id) => ctx.state.stopInstance(region, id));
}

export function startInstances(ctx: ActionContext): XmlObject {
  return changeStates(ctx, (region, id) => ctx.state.startInstance(region, id));
}

export function modifyInstanceAttribute(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const id = params.require('InstanceId');
  const inst = state.need(state.instances, region, id, 'InvalidInstanceID.NotFound', 'instance ID');
  const value = params.bool('SourceDestCheck.Value');
  if (value === undefined) {
    // The only attribute flatnet changes; say so rather than pretend to change another.
    if (params.get('Attribute') || params.get('InstanceType.Value'))
      throw invalidParameter('The emulator only supports SourceDestCheck.');
    throw missingParameter('SourceDestCheck.Value');
  }
  stopIfDryRun(ctx);
  inst.sourceDestCheck = value;
  return { return: true };
}
