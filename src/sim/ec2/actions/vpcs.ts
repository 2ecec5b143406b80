/**
 * DescribeVpcs as EC2 answers it (EC2 API Reference, "DescribeVpcs" and the "Vpc" and
 * "VpcCidrBlockAssociation" data types; wire shape from the reference's example response):
 *
 * ```xml
 * <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
 *   <requestId>…</requestId>
 *   <vpcSet><item>
 *     <vpcId>vpc-1a2b3c4d</vpcId><ownerId>123456789012</ownerId><state>available</state>
 *     <cidrBlock>10.0.0.0/16</cidrBlock>
 *     <cidrBlockAssociationSet><item><cidrBlock>10.0.0.0/16</cidrBlock>
 *       <associationId>vpc-cidr-assoc-…</associationId>
 *       <cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet>
 *     <dhcpOptionsId>dopt-…</dhcpOptionsId><instanceTenancy>default</instanceTenancy>
 *     <isDefault>false</isDefault><tagSet>…</tagSet>
 *   </item></vpcSet>
 * </DescribeVpcsResponse>
 * ```
 *
 * `cidrBlock` is the primary range only; every range (primary first) is in
 * `cidrBlockAssociationSet`. An id the region does not hold fails the whole call with
 * `InvalidVpcID.NotFound` ("The vpc ID 'vpc-…' does not exist"), as AWS does for explicit ids
 * (a filter on `vpc-id` instead answers an empty set). Filters: the documented `vpc-id`,
 * `cidr`, `cidr-block-association.cidr-block`, `state`, `is-default`, `owner-id` and tags;
 * any other is InvalidParameterValue.
 */
import { applyFilters, type FilterFields } from '../query.js';
import type { Ec2State } from '../state.js';
import type { SimVpc } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import type { ActionContext } from './context.js';

const rangesOf = (v: SimVpc): string[] => [v.cidrBlock, ...v.secondaryCidrBlocks];

const vpcFilter = (state: Ec2State): FilterFields<SimVpc> => ({
  'vpc-id': (v) => [v.vpcId],
  cidr: (v) => [v.cidrBlock],
  'cidr-block-association.cidr-block': rangesOf,
  'cidr-block-association.state': (v) => rangesOf(v).map(() => 'associated'),
  state: () => ['available'],
  'is-default': () => ['false'],
  'owner-id': () => [state.accountId],
});

/** A stable association id per range (17 hex digits like AWS's): the same on every call. */
const associationId = (v: SimVpc, i: number) => {
  const hex = v.vpcId.slice(4).padStart(15, '0').slice(-15);
  return `vpc-cidr-assoc-${hex}${i.toString(16).padStart(2, '0')}`;
};

function vpcXml(state: Ec2State, v: SimVpc): XmlObject {
  return {
    vpcId: v.vpcId,
    ownerId: state.accountId,
    state: 'available',
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: rangesOf(v).map((cidrBlock, i) => ({
      cidrBlock,
      associationId: associationId(v, i),
      cidrBlockState: { state: 'associated' },
    })),
    dhcpOptionsId: 'default',
    instanceTenancy: 'default',
    isDefault: false,
    tagSet: tagSet(v.tags),
  };
}

export function describeVpcs({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('VpcId');
  const list =
    ids.length > 0
      ? ids.map((id) => state.need(state.vpcs, region, id, 'InvalidVpcID.NotFound', 'vpc ID'))
      : state.inRegion(state.vpcs, region);
  return {
    vpcSet: applyFilters(list, params.filters(), vpcFilter(state)).map((v) => vpcXml(state, v)),
  };
}
