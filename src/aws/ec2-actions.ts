/**
 * Every EC2 action the adapter can call. The IAM policy shipped with flatnet is generated from
 * and checked against this list; the adapter's `call()` only accepts names from it, so the list
 * cannot fall behind the code.
 */
export const EC2_ACTIONS_USED = [
  'DescribeInstances',
  'DescribeAddresses',
  'DescribeRouteTables',
  'DescribeImages',
  'DescribeVpnConnections',
  'DescribeVpnGateways',
  // attach-vpc, /vpn reach and the policy: the ranges of a VPC the inventory does not list.
  'DescribeVpcs',
  'RunInstances',
  // RunInstances with TagSpecifications is authorized as ec2:CreateTags too.
  'CreateTags',
  'ModifyInstanceAttribute',
  'AssociateAddress',
  'ReplaceRoute',
  'StopInstances',
  'CreateCustomerGateway',
  'CreateVpnConnection',
  // attach-vpc: the VPC's route tables learn the flat network from the VGW (undo: disable).
  'EnableVgwRoutePropagation',
  'DisableVgwRoutePropagation',
  // add-peer and attach-vpc: the hub VPC routes a new destination to the hub (undo: delete).
  'CreateRoute',
  'DeleteRoute',
  // scale-up: a spoke's leg into its second VPC (an extra interface) moves to the new router.
  'DescribeNetworkInterfaces',
  'DetachNetworkInterface',
  'AttachNetworkInterface',
] as const;

export type Ec2Action = (typeof EC2_ACTIONS_USED)[number];
