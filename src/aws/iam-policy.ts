/**
 * The least-privilege IAM policy for flatnet's EC2 calls, built for the inventory's regions
 * (`flatnet iam-policy --config F` prints it; iam-policy.json is the one for
 * examples/flatnet.yml, kept equal by a test). Only the Describe calls keep `Resource: *`
 * without conditions: EC2 supports no resource-level permissions for them. Every action that
 * changes something is limited to the inventory's regions (`aws:RequestedRegion`) and to
 * resources that carry flatnet's tags (docs/security.md says which tag goes where):
 * - `flatnet:router` — every router instance and its Elastic IP (flatnet puts it on the
 *   instances it launches; the operator on the original routers and their addresses);
 * - `flatnet:managed=true` — the route tables flatnet may change, the VPN gateways it may
 *   attach VPCs through, and everything it creates for an attachment (tag on create).
 * The condition keys and resource types are those of the Service Authorization Reference for
 * Amazon EC2 ("Actions, resources, and condition keys for Amazon EC2").
 */
import type { Ec2Action } from './ec2-actions.js';

export const ROUTER_TAG = 'flatnet:router';
export const MANAGED_TAG = 'flatnet:managed';

type Condition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Condition;
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const arn = (type: string): string => `arn:aws:ec2:*:*:${type}/*`;
/** Images are owned by the account or shared: their ARN has no account. */
const IMAGE_ARN = 'arn:aws:ec2:*::image/*';
const ec2 = (actions: Ec2Action[]): string[] => actions.map((a) => `ec2:${a}`);

export function buildIamPolicy(regions: string[]): IamPolicy {
  const inRegions = { StringEquals: { 'aws:RequestedRegion': [...new Set(regions)].sort() } };
  const taggedRouter: Condition = {
    ...inRegions,
    Null: { [`aws:ResourceTag/${ROUTER_TAG}`]: 'false' },
  };
  const managed: Condition = {
    StringEquals: { ...inRegions.StringEquals, [`aws:ResourceTag/${MANAGED_TAG}`]: 'true' },
  };
  const createsManaged: Condition = {
    StringEquals: { ...inRegions.StringEquals, [`aws:RequestTag/${MANAGED_TAG}`]: 'true' },
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FlatnetReadTheNetwork',
        Effect: 'Allow',
        Action: ec2([
          'DescribeInstances',
          'DescribeAddresses',
          'DescribeRouteTables',
          'DescribeImages',
          'DescribeVpnConnections',
          'DescribeVpnGateways',
          'DescribeVpcs',
          'DescribeNetworkInterfaces',
        ]),
        Resource: '*',
      },
      {
        Sid: 'FlatnetLaunchTaggedRouters',
        Effect: 'Allow',
        Action: ec2(['RunInstances']),
        Resource: [arn('instance'), arn('volume'), arn('network-interface')],
        Condition: { ...inRegions, Null: { [`aws:RequestTag/${ROUTER_TAG}`]: 'false' } },
      },
      {
        Sid: 'FlatnetLaunchFromItsImagesAndSubnets',
        Effect: 'Allow',
        Action: ec2(['RunInstances']),
        Resource: [IMAGE_ARN, arn('subnet'), arn('security-group'), arn('key-pair')],
        Condition: inRegions,
      },
      {
        Sid: 'FlatnetTagOnCreate',
        Effect: 'Allow',
        Action: ec2(['CreateTags']),
        Resource: [
          arn('instance'),
          arn('volume'),
          arn('network-interface'),
          arn('customer-gateway'),
          arn('vpn-connection'),
        ],
        Condition: {
          StringEquals: {
            ...inRegions.StringEquals,
            'ec2:CreateAction': ['RunInstances', 'CreateCustomerGateway', 'CreateVpnConnection'],
          },
        },
      },
      {
        Sid: 'FlatnetChangeItsRouters',
        Effect: 'Allow',
        Action: ec2(['CreateTags', 'ModifyInstanceAttribute', 'StopInstances']),
        Resource: arn('instance'),
        Condition: taggedRouter,
      },
      {
        // Scale-up moves a router's extra interface (a leg into a second VPC) to the new
        // instance: both the interface and the instances carry flatnet:router.
        Sid: 'FlatnetMoveRouterInterfaces',
        Effect: 'Allow',
        Action: ec2(['DetachNetworkInterface', 'AttachNetworkInterface']),
        Resource: [arn('network-interface'), arn('instance')],
        Condition: taggedRouter,
      },
      {
        Sid: 'FlatnetMoveRouterAddresses',
        Effect: 'Allow',
        Action: ec2(['AssociateAddress']),
        Resource: arn('elastic-ip'),
        Condition: taggedRouter,
      },
      {
        Sid: 'FlatnetMoveAddressesToRouters',
        Effect: 'Allow',
        Action: ec2(['AssociateAddress']),
        Resource: [arn('network-interface'), arn('instance')],
        Condition: inRegions,
      },
      {
        Sid: 'FlatnetRouteManagedTables',
        Effect: 'Allow',
        Action: ec2([
          'CreateRoute',
          'ReplaceRoute',
          'DeleteRoute',
          'EnableVgwRoutePropagation',
          'DisableVgwRoutePropagation',
        ]),
        Resource: arn('route-table'),
        Condition: managed,
      },
      {
        Sid: 'FlatnetCreateAttachments',
        Effect: 'Allow',
        Action: ec2(['CreateCustomerGateway', 'CreateVpnConnection']),
        Resource: [arn('customer-gateway'), arn('vpn-connection')],
        Condition: createsManaged,
      },
      {
        Sid: 'FlatnetAttachThroughManagedGateways',
        Effect: 'Allow',
        Action: ec2([
          'CreateVpnConnection',
          'EnableVgwRoutePropagation',
          'DisableVgwRoutePropagation',
        ]),
        Resource: [arn('vpn-gateway'), arn('customer-gateway')],
        Condition: managed,
      },
    ],
  };
}
