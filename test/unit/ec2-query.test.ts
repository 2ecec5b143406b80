import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ec2ApiError } from '../../src/sim/ec2/ec2-error.js';
import { applyFilters, matchesValue, QueryParams } from '../../src/sim/ec2/query.js';
import { regionOf } from '../../src/sim/ec2/server.js';

describe('EC2 Query-string parsing', () => {
  it('reads flattened 1-based lists in index order, not text order', () => {
    const body =
      'Action=DescribeInstances&Version=2016-11-15' +
      '&InstanceId.10=i-j&InstanceId.2=i-b&InstanceId.1=i-a';
    const q = QueryParams.parse(body);
    expect(q.action).toBe('DescribeInstances');
    expect(q.list('InstanceId')).toEqual(['i-a', 'i-b', 'i-j']);
    expect(q.list('ImageId')).toEqual([]);
  });

  it('reads filters with several values and decodes percent-escapes', () => {
    const q = QueryParams.parse(
      'Filter.1.Name=tag%3ARole&Filter.1.Value.1=vpn-router&Filter.1.Value.2=a%20b' +
        '&Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-1',
    );
    expect(q.filters()).toEqual([
      { name: 'tag:Role', values: ['vpn-router', 'a b'] },
      { name: 'vpc-id', values: ['vpc-1'] },
    ]);
  });

  it('reads nested structures: tag specifications per resource type and tunnel options', () => {
    const q = QueryParams.parse(
      [
        'TagSpecification.1.ResourceType=instance',
        'TagSpecification.1.Tag.1.Key=Name',
        'TagSpecification.1.Tag.1.Value=hub-tokyo-a2',
        'TagSpecification.1.Tag.2.Key=Run',
        'TagSpecification.1.Tag.2.Value=r-7k2m9q',
        'TagSpecification.2.ResourceType=volume',
        'TagSpecification.2.Tag.1.Key=Name',
        'TagSpecification.2.Tag.1.Value=disk',
        'Options.TunnelOptions.1.TunnelInsideCidr=169.254.10.0%2F30',
        'Options.TunnelOptions.2.PreSharedKey=abc.def_1',
        'Options.StaticRoutesOnly=true',
      ].join('&'),
    );
    expect(q.tagSpecification('instance')).toEqual({ Name: 'hub-tokyo-a2', Run: 'r-7k2m9q' });
    expect(q.tagSpecification('volume')).toEqual({ Name: 'disk' });
    expect(
      q
        .members('Options.TunnelOptions')
        .map((t) => [t.get('TunnelInsideCidr'), t.get('PreSharedKey')]),
    ).toEqual([
      ['169.254.10.0/30', undefined],
      [undefined, 'abc.def_1'],
    ]);
    expect(q.bool('Options.StaticRoutesOnly')).toBe(true);
  });

  it(
    'rejects malformed booleans and integers and ' + 'missing required parameters with AWS codes',
    () => {
      const q = QueryParams.parse('DryRun=yes&MinCount=one');
      expect(() => q.bool('DryRun')).toThrow(Ec2ApiError);
      expect(() => q.int('MinCount')).toThrow(/Expected an integer/);
      expect(() => q.require('ImageId')).toThrow(
        expect.objectContaining({ code: 'MissingParameter' }),
      );
    },
  );

  it('round-trips any list of values through form encoding', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 12 }), (values) => {
        const form = new URLSearchParams(
          values.map((v, i): [string, string] => [`ResourceId.${i + 1}`, v]),
        );
        expect(QueryParams.parse(form.toString()).list('ResourceId')).toEqual(values);
      }),
    );
  });

  it('matches AWS filter wildcards', () => {
    expect(matchesValue('vyos-1.4*', 'vyos-1.4.3')).toBe(true);
    expect(matchesValue('vyos-1.4*', 'vyos-1.5')).toBe(false);
    expect(matchesValue('hub-?', 'hub-a')).toBe(true);
    expect(matchesValue('10.0.1.1', '10.0.1.10')).toBe(false);
  });

  it('keeps resources that match every filter and rejects unknown filter names', () => {
    const items: { id: string; tags: Record<string, string> }[] = [
      { id: 'a', tags: { Role: 'vpn-router' } },
      { id: 'b', tags: { Role: 'web' } },
      { id: 'c', tags: {} },
    ];
    const fields = { id: (x: (typeof items)[number]) => [x.id] };
    expect(
      applyFilters(items, [{ name: 'tag:Role', values: ['vpn-router', 'web'] }], fields).map(
        (x) => x.id,
      ),
    ).toEqual(['a', 'b']);
    expect(
      applyFilters(
        items,
        [
          { name: 'tag-key', values: ['Role'] },
          { name: 'id', values: ['b', 'c'] },
        ],
        fields,
      ).map((x) => x.id),
    ).toEqual(['b']);
    expect(() => applyFilters(items, [{ name: 'colour', values: ['red'] }], fields)).toThrow(
      /filter 'colour' is invalid/,
    );
    // AWS refuses an unknown filter name even when nothing would match anyway.
    expect(() => applyFilters([], [{ name: 'colour', values: ['red'] }], fields)).toThrow(
      /filter 'colour' is invalid/,
    );
  });

  it('takes the region from the SigV4 credential scope', () => {
    expect(
      regionOf(
        'AWS4-HMAC-SHA256 Credential=AKID/20261125/ap-northeast-1/ec2/aws4_request, ' +
          'SignedHeaders=host, Signature=abc',
      ),
    ).toBe('ap-northeast-1');
    expect(regionOf(undefined)).toBe('us-east-1');
  });
});
