import { intToIp, parseCidr } from './cidr.js';
import { Ec2ApiError } from './ec2-error.js';
import type { Ec2Store } from './ec2-store.js';
import type { SimSubnet } from './types.js';

/** Private addresses of a subnet: an address is taken while any ENI in the subnet holds it. */

export function privateIpInUse(state: Ec2Store, subnetId: string, ip: string): boolean {
  for (const eni of state.networkInterfaces.values())
    if (eni.subnetId === subnetId && eni.privateIp === ip) return true;
  return false;
}

/** The lowest free address of the subnet, as AWS hands them out when none is asked for. */
export function allocatePrivateIp(state: Ec2Store, subnet: SimSubnet): string {
  const { base, size } = parseCidr(subnet.cidrBlock);
  // AWS reserves the first four addresses and the last one of every subnet.
  for (let n = base + 4; n < base + size - 1; n += 1) {
    if (!privateIpInUse(state, subnet.subnetId, intToIp(n))) return intToIp(n);
  }
  throw new Ec2ApiError(
    'InsufficientFreeAddressesInSubnet',
    `The subnet ${subnet.subnetId} has no free addresses.`,
  );
}
