import { Ec2ApiError } from './ec2-error.js';
import { newId } from './ids.js';
import type { Ec2Store } from './ec2-store.js';
import type { SimAddress, SimNetworkInterface } from './types.js';

/**
 * Elastic IP association: the target ENI, the reassociation guard, one public address per private
 * one.
 */

export interface AssociateAddressRequest {
  allocationId: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIp?: string;
  allowReassociation: boolean;
}

export function associateAddress(
  state: Ec2Store,
  region: string,
  req: AssociateAddressRequest,
): { associationId: string } {
  const address = state.need(
    state.addresses,
    region,
    req.allocationId,
    'InvalidAllocationID.NotFound',
    'allocation ID',
  );
  let eni: SimNetworkInterface;
  if (req.networkInterfaceId) {
    eni = state.need(
      state.networkInterfaces,
      region,
      req.networkInterfaceId,
      'InvalidNetworkInterfaceID.NotFound',
      'network interface ID',
    );
  } else if (req.instanceId) {
    const inst = state.need(
      state.instances,
      region,
      req.instanceId,
      'InvalidInstanceID.NotFound',
      'instance ID',
    );
    eni = state.networkInterfaces.get(inst.networkInterfaceId) as SimNetworkInterface;
  } else {
    throw new Ec2ApiError(
      'MissingParameter',
      'Either an instance ID or a network interface ID must be specified.',
    );
  }
  const privateIp = req.privateIp ?? eni.privateIp;
  const already =
    address.networkInterfaceId === eni.networkInterfaceId && address.privateIp === privateIp;
  if (address.associationId && !already && !req.allowReassociation) {
    throw new Ec2ApiError(
      'Resource.AlreadyAssociated',
      `resource ${req.allocationId} is already associated ` +
        `with associate-id ${address.associationId}`,
    );
  }
  const previousNetworkInterfaceId = address.networkInterfaceId;
  // One public address per private address: whatever held this private IP lets go of it.
  for (const other of state.addresses.values()) {
    if (
      other !== address &&
      other.networkInterfaceId === eni.networkInterfaceId &&
      other.privateIp === privateIp
    )
      disassociate(other);
  }
  address.associationId = newId('eipassoc');
  address.networkInterfaceId = eni.networkInterfaceId;
  address.instanceId = eni.instanceId;
  address.privateIp = privateIp;
  state.emit('address-associated', {
    allocationId: address.allocationId,
    region,
    publicIp: address.publicIp,
    instanceId: eni.instanceId,
    networkInterfaceId: eni.networkInterfaceId,
    previousNetworkInterfaceId,
  });
  return { associationId: address.associationId };
}

function disassociate(address: SimAddress): void {
  delete address.associationId;
  delete address.networkInterfaceId;
  delete address.instanceId;
  delete address.privateIp;
}
