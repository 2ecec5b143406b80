/**
 * The EC2 emulator's DescribeVpcs, answered as the EC2 API Reference shows it (DescribeVpcs,
 * Vpc, VpcCidrBlockAssociation): the XML the SDK parses, every range in the association set,
 * and the whole call refused for an id the region does not hold.
 */
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { describeVpcs } from '../../src/sim/ec2/actions/vpcs.js';
import { Ec2ApiError } from '../../src/sim/ec2/ec2-error.js';
import { QueryParams } from '../../src/sim/ec2/query.js';
import { Ec2State } from '../../src/sim/ec2/state.js';
import { renderResponse } from '../../src/sim/ec2/xml.js';

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'item' });
const REGION = 'eu-west-1';

interface VpcItem {
  vpcId: string;
  ownerId: string;
  state: string;
  cidrBlock: string;
  isDefault: string;
  cidrBlockAssociationSet: {
    item: { cidrBlock: string; associationId: string; cidrBlockState: { state: string } }[];
  };
  tagSet: { item: { key: string; value: string }[] } | '';
}

let state: Ec2State;
afterEach(() => state?.close());

function ask(body: string, region = REGION): VpcItem[] {
  const answer = describeVpcs({ state, region, params: QueryParams.parse(body) });
  const xml = renderResponse('DescribeVpcs', 'req-1', answer);
  expect(xml).toContain('<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
  const doc = parser.parse(xml) as { DescribeVpcsResponse: { vpcSet: { item?: VpcItem[] } | '' } };
  const set = doc.DescribeVpcsResponse.vpcSet;
  return set === '' ? [] : (set.item ?? []);
}

function refusal(body: string, region = REGION): Ec2ApiError {
  try {
    describeVpcs({ state, region, params: QueryParams.parse(body) });
  } catch (err) {
    expect(err).toBeInstanceOf(Ec2ApiError);
    return err as Ec2ApiError;
  }
  throw new Error('expected an EC2 error');
}

describe('the EC2 emulator: DescribeVpcs', () => {
  it('lists a VPC with its primary range and every associated range, primary first', () => {
    state = new Ec2State();
    const vpc = state.addVpc({
      region: REGION,
      cidrBlock: '10.60.0.0/16',
      secondaryCidrBlocks: ['100.64.0.0/20'],
      tags: { Name: 'payments' },
    });
    const [item, ...more] = ask(`Action=DescribeVpcs&VpcId.1=${vpc.vpcId}`);
    expect(more).toEqual([]);
    expect(item).toMatchObject({
      vpcId: vpc.vpcId,
      ownerId: state.accountId,
      state: 'available',
      cidrBlock: '10.60.0.0/16',
      isDefault: 'false',
      tagSet: { item: [{ key: 'Name', value: 'payments' }] },
    });
    const ranges = item!.cidrBlockAssociationSet.item;
    expect(ranges.map((r) => [r.cidrBlock, r.cidrBlockState.state])).toEqual([
      ['10.60.0.0/16', 'associated'],
      ['100.64.0.0/20', 'associated'],
    ]);
    // Association ids are stable (the same on every call) and distinct per range.
    expect(new Set(ranges.map((r) => r.associationId)).size).toBe(2);
    expect(ask(`Action=DescribeVpcs&VpcId.1=${vpc.vpcId}`)[0]).toEqual(item);
  });

  it('refuses the whole call with InvalidVpcID.NotFound for an id the region does not hold', () => {
    state = new Ec2State();
    const here = state.addVpc({ region: REGION, cidrBlock: '10.60.0.0/16' });
    const elsewhere = state.addVpc({ region: 'us-east-1', cidrBlock: '10.61.0.0/16' });
    const unknown = refusal(`VpcId.1=${here.vpcId}&VpcId.2=vpc-0123456789abcdef0`);
    expect(unknown.code).toBe('InvalidVpcID.NotFound');
    expect(unknown.message).toBe("The vpc ID 'vpc-0123456789abcdef0' does not exist");
    // Ids are regional: another region's VPC is as unknown here as a made-up one.
    expect(refusal(`VpcId.1=${elsewhere.vpcId}`).code).toBe('InvalidVpcID.NotFound');
  });

  it('answers every VPC of the region without ids, and filters as documented', () => {
    state = new Ec2State();
    const a = state.addVpc({ region: REGION, cidrBlock: '10.60.0.0/16', tags: { Name: 'a' } });
    const b = state.addVpc({
      region: REGION,
      cidrBlock: '10.62.0.0/16',
      secondaryCidrBlocks: ['10.63.0.0/16'],
    });
    state.addVpc({ region: 'us-east-1', cidrBlock: '10.70.0.0/16' });
    expect(ask('').map((v) => v.vpcId)).toEqual([a.vpcId, b.vpcId]);
    // A filter on an unknown id is an empty answer, not an error (only VpcId.N refuses).
    expect(ask('Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0123456789abcdef0')).toEqual([]);
    const bySecondary =
      'Filter.1.Name=cidr-block-association.cidr-block&Filter.1.Value.1=10.63.0.0/16';
    expect(ask(bySecondary).map((v) => v.vpcId)).toEqual([b.vpcId]);
    // `cidr` is the primary range only.
    expect(ask('Filter.1.Name=cidr&Filter.1.Value.1=10.63.0.0/16')).toEqual([]);
    expect(ask('Filter.1.Name=tag:Name&Filter.1.Value.1=a').map((v) => v.vpcId)).toEqual([a.vpcId]);
    expect(refusal('Filter.1.Name=colour&Filter.1.Value.1=blue').code).toBe(
      'InvalidParameterValue',
    );
  });
});
