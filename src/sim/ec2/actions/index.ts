import { createTags, describeImages } from './images.js';
import { associateAddress, describeAddresses } from './addresses.js';
import type { ActionHandler } from './context.js';
import {
  describeInstances,
  modifyInstanceAttribute,
  runInstances,
  startInstances,
  stopInstances,
} from './instances.js';
import {
  attachNetworkInterface,
  describeNetworkInterfaces,
  detachNetworkInterface,
} from './network-interfaces.js';
import { createRoute, deleteRoute, describeRouteTables, replaceRoute } from './route-tables.js';
import {
  createVpnConnectionRoute,
  deleteVpnConnectionRoute,
  disableVgwRoutePropagation,
  enableVgwRoutePropagation,
} from './propagation.js';
import {
  createCustomerGateway,
  createVpnConnection,
  describeCustomerGateways,
  describeVpnConnections,
  describeVpnGateways,
} from './vpn.js';
import { describeVpcs } from './vpcs.js';

/** Every EC2 action the emulator answers; anything else is InvalidAction, as on AWS. */
export const ACTION_HANDLERS: Readonly<Record<string, ActionHandler>> = {
  DescribeInstances: describeInstances,
  RunInstances: runInstances,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  ModifyInstanceAttribute: modifyInstanceAttribute,
  DescribeAddresses: describeAddresses,
  AssociateAddress: associateAddress,
  DescribeRouteTables: describeRouteTables,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  DetachNetworkInterface: detachNetworkInterface,
  AttachNetworkInterface: attachNetworkInterface,
  ReplaceRoute: replaceRoute,
  CreateRoute: createRoute,
  DeleteRoute: deleteRoute,
  DescribeImages: describeImages,
  CreateTags: createTags,
  DescribeVpcs: describeVpcs,
  DescribeVpnGateways: describeVpnGateways,
  DescribeCustomerGateways: describeCustomerGateways,
  DescribeVpnConnections: describeVpnConnections,
  CreateCustomerGateway: createCustomerGateway,
  CreateVpnConnection: createVpnConnection,
  EnableVgwRoutePropagation: enableVgwRoutePropagation,
  DisableVgwRoutePropagation: disableVgwRoutePropagation,
  CreateVpnConnectionRoute: createVpnConnectionRoute,
  DeleteVpnConnectionRoute: deleteVpnConnectionRoute,
};

export type { ActionContext, ActionHandler } from './context.js';
