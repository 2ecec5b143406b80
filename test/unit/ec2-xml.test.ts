import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, renderError, renderResponse, tagSet } from '../../src/sim/ec2/xml.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  processEntities: true,
});

describe('EC2 XML writer', () => {
  it(
    'writes the response root with the EC2 namespace, ' + 'lists as <item> and omits absent fields',
    () => {
      const xml = renderResponse('DescribeInstances', 'req-1', {
        reservationSet: [
          {
            reservationId: 'r-1',
            instancesSet: [
              {
                instanceId: 'i-1',
                ipAddress: undefined,
                sourceDestCheck: false,
                instanceState: { code: 16, name: 'running' },
                tagSet: tagSet({ Name: 'hub' }),
              },
            ],
          },
        ],
      });
      expect(xml).toContain(
        '<DescribeInstancesResponse ' +
          'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>',
      );
      expect(xml).not.toContain('ipAddress');
      const doc = parser.parse(xml) as {
        DescribeInstancesResponse: {
          reservationSet: { item: { instancesSet: { item: Record<string, unknown> } } };
        };
      };
      const inst = doc.DescribeInstancesResponse.reservationSet.item.instancesSet.item;
      expect(inst).toMatchObject({
        instanceId: 'i-1',
        sourceDestCheck: 'false',
        instanceState: { code: '16', name: 'running' },
        tagSet: { item: { key: 'Name', value: 'hub' } },
      });
    },
  );

  it('writes dates as ISO 8601 and empty lists as empty elements', () => {
    const xml = renderResponse('X', 'r', {
      launchTime: new Date('2026-11-25T10:00:00Z'),
      groupSet: [],
    });
    expect(xml).toContain('<launchTime>2026-11-25T10:00:00.000Z</launchTime><groupSet></groupSet>');
  });

  it('escapes any text so that it parses back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const doc = parser.parse(`<a>${escapeXml(text)}</a>`) as { a?: string };
        expect(doc.a ?? '').toBe(text.trim());
      }),
    );
  });

  it(
    'carries an embedded XML document (the customer ' + 'gateway configuration) as escaped text',
    () => {
      const inner =
        '<vpn_connection ' +
        'id="vpn-1"><ike><pre_shared_key>a&b</pre_shared_key></ike></vpn_connection>';
      const xml = renderResponse('DescribeVpnConnections', 'r', {
        vpnConnectionSet: [{ customerGatewayConfiguration: inner }],
      });
      expect(xml).not.toContain('<vpn_connection');
      const doc = parser.parse(xml) as {
        DescribeVpnConnectionsResponse: {
          vpnConnectionSet: { item: { customerGatewayConfiguration: string } };
        };
      };
      expect(
        doc.DescribeVpnConnectionsResponse.vpnConnectionSet.item.customerGatewayConfiguration,
      ).toBe(inner);
    },
  );

  it('writes errors in the shape the SDK parses', () => {
    const xml = renderError(
      'InvalidParameterValue',
      "There is no route defined for '10.9.0.0/16' <x>",
      'req-9',
    );
    const doc = parser.parse(xml) as {
      Response: { Errors: { Error: { Code: string; Message: string } }; RequestID: string };
    };
    expect(doc.Response).toEqual({
      Errors: {
        Error: {
          Code: 'InvalidParameterValue',
          Message: "There is no route defined for '10.9.0.0/16' <x>",
        },
      },
      RequestID: 'req-9',
    });
  });
});
