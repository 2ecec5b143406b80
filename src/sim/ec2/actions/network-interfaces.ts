/**
 * Moving an instance's extra network interface (a multi-VPC attachment, as a spoke router's
 * Staging leg) to another instance: DetachNetworkInterface, DescribeNetworkInterfaces,
 * AttachNetworkInterface (EC2 API reference). The primary interface (device index 0) cannot be
 * detached (OperationNotPermitted); an interface still attached cannot be attached again
 * (InvalidNetworkInterface.InUse); a device index already taken is InvalidParameterValue.
 * Detaching completes at once here (AWS passes through `detaching`; callers wait for
 * `available` by DescribeNetworkInterfaces either way).
 */
import { Ec2ApiError, invalidParameter } from '../ec2-error.js';
import { newId } from '../ids.js';
import type { SimNetworkInterface } from '../types.js';
import type { XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';

/** The primary interface's attachment has an id on AWS too; the emulator derives it. */
const attachmentIdOf = (eni: SimNetworkInterface): string =>
  eni.attachmentId ?? `eni-attach-${eni.networkInterfaceId.slice(4)}`;

function interfaceXml(eni: SimNetworkInterface, primaryOf: string | undefined): XmlObject {
  const attached = eni.instanceId !== undefined;
  return {
    networkInterfaceId: eni.networkInterfaceId,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    privateIpAddress: eni.privateIp,
    status: attached ? 'in-use' : 'available',
    attachment: attached
      ? {
          attachmentId: attachmentIdOf(eni),
          instanceId: eni.instanceId,
          deviceIndex: primaryOf === eni.instanceId ? 0 : (eni.deviceIndex ?? 1),
          status: 'attached',
        }
      : undefined,
  };
}

const isPrimary = (ctx: ActionContext, eni: SimNetworkInterface): boolean =>
  eni.instanceId !== undefined &&
  ctx.state.instances.get(eni.instanceId)?.networkInterfaceId === eni.networkInterfaceId;

export function describeNetworkInterfaces(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const ids = params.list('NetworkInterfaceId');
  const found =
    ids.length > 0
      ? ids.map((id) =>
          state.need(
            state.networkInterfaces,
            region,
            id,
            'InvalidNetworkInterfaceID.NotFound',
            'network interface ID',
          ),
        )
      : [...state.networkInterfaces.values()].filter((e) => e.region === region);
  return {
    networkInterfaceSet: found.map((e) =>
      interfaceXml(e, isPrimary(ctx, e) ? e.instanceId : undefined),
    ),
  };
}

export function detachNetworkInterface(ctx: ActionContext): XmlObject {
  const id = ctx.params.require('AttachmentId');
  const eni = [...ctx.state.networkInterfaces.values()].find(
    (e) => e.region === ctx.region && e.instanceId !== undefined && attachmentIdOf(e) === id,
  );
  if (!eni)
    throw new Ec2ApiError(
      'InvalidAttachmentID.NotFound',
      `The attachment ID '${id}' does not exist`,
    );
  if (isPrimary(ctx, eni))
    throw new Ec2ApiError(
      'OperationNotPermitted',
      'The network interface at device index 0 cannot be detached.',
    );
  stopIfDryRun(ctx);
  const from = eni.instanceId!;
  delete eni.instanceId;
  delete eni.attachmentId;
  delete eni.deviceIndex;
  ctx.state.emit('interface-moved', { networkInterfaceId: eni.networkInterfaceId, from });
  return { return: true };
}

export function attachNetworkInterface(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const eni = state.need(
    state.networkInterfaces,
    region,
    params.require('NetworkInterfaceId'),
    'InvalidNetworkInterfaceID.NotFound',
    'network interface ID',
  );
  const inst = state.need(
    state.instances,
    region,
    params.require('InstanceId'),
    'InvalidInstanceID.NotFound',
    'instance ID',
  );
  const deviceIndex = Number(params.require('DeviceIndex'));
  if (!Number.isInteger(deviceIndex) || deviceIndex < 1)
    throw invalidParameter(`Invalid value '${params.get('DeviceIndex')}' for deviceIndex.`);
  stopIfDryRun(ctx);
  if (eni.instanceId !== undefined)
    throw new Ec2ApiError(
      'InvalidNetworkInterface.InUse',
      `Interface: [${eni.networkInterfaceId}] in use.`,
    );
  const taken = [...state.networkInterfaces.values()].some(
    (e) => e.instanceId === inst.instanceId && (e.deviceIndex ?? 0) === deviceIndex,
  );
  if (taken)
    throw invalidParameter(
      `Instance '${inst.instanceId}' already has an ` +
        `interface attached at device index '${deviceIndex}'.`,
    );
  eni.instanceId = inst.instanceId;
  eni.deviceIndex = deviceIndex;
  eni.attachmentId = newId('eni-attach');
  state.emit('interface-moved', {
    networkInterfaceId: eni.networkInterfaceId,
    to: inst.instanceId,
  });
  return { attachmentId: eni.attachmentId };
}
