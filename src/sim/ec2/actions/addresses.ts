import { applyFilters, type FilterFields } from '../query.js';
import type { SimAddress } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';
import { Ec2ApiError } from '../ec2-error.js';

const addressFilter: FilterFields<SimAddress> = {
  'allocation-id': (a) => [a.allocationId],
  'public-ip': (a) => [a.publicIp],
  'association-id': (a) => [a.associationId],
  'instance-id': (a) => [a.instanceId],
  'network-interface-id': (a) => [a.networkInterfaceId],
  'private-ip-address': (a) => [a.privateIp],
  domain: () => ['vpc'],
};

export function describeAddresses({ state, region, params }: ActionContext): XmlObject {
  let list = state.inRegion(state.addresses, region);
  const ids = params.list('AllocationId');
  if (ids.length > 0)
    list = ids.map((id) =>
      state.need(state.addresses, region, id, 'InvalidAllocationID.NotFound', 'allocation ID'),
    );
  const ips = params.list('PublicIp');
  if (ips.length > 0) {
    list = ips.map((ip) => {
      const a = list.find((x) => x.publicIp === ip);
      if (!a) throw new Ec2ApiError('InvalidAddress.NotFound', `Address '${ip}' not found.`);
      return a;
    });
  }
  return {
    addressesSet: applyFilters(list, params.filters(), addressFilter).map((a) => ({
      publicIp: a.publicIp,
      allocationId: a.allocationId,
      domain: 'vpc',
      associationId: a.associationId,
      instanceId: a.instanceId,
      networkInterfaceId: a.networkInterfaceId,
      networkInterfaceOwnerId: a.networkInterfaceId ? state.accountId : undefined,
      privateIpAddress: a.privateIp,
      publicIpv4Pool: 'amazon',
      networkBorderGroup: region,
      tagSet: tagSet(a.tags),
    })),
  };
}

export function associateAddress(ctx: ActionContext): XmlObject {
  const { state, region, params } = ctx;
  const allocationId = params.get('AllocationId');
  if (!allocationId) {
    // EC2-Classic's PublicIp-only form is gone; every flatnet address is a VPC allocation.
    throw new Ec2ApiError(
      'MissingParameter',
      'The request must contain the parameter AllocationId',
    );
  }
  const request = {
    allocationId,
    instanceId: params.get('InstanceId'),
    networkInterfaceId: params.get('NetworkInterfaceId'),
    privateIp: params.get('PrivateIpAddress'),
    allowReassociation: params.bool('AllowReassociation') ?? false,
  };
  if (params.bool('DryRun')) {
    state.need(
      state.addresses,
      region,
      allocationId,
      'InvalidAllocationID.NotFound',
      'allocation ID',
    );
    stopIfDryRun(ctx);
  }
  return { associationId: state.associateAddress(region, request).associationId, return: true };
}
