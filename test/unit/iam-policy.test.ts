import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EC2_ACTIONS_USED } from '../../src/aws/index.js';
import { buildIamPolicy, type IamPolicy } from '../../src/aws/iam-policy.js';
import { parseInventory } from '../../src/config/load-inventory.js';
import { inventoryRegions } from '../../src/cli/print-iam-policy.js';

const shipped = JSON.parse(readFileSync('iam-policy.json', 'utf8')) as IamPolicy;
const example = parseInventory(
  readFileSync('examples/flatnet.yml', 'utf8'),
  'examples/flatnet.yml',
  null,
);
const isRead = (action: string) => action.startsWith('ec2:Describe');

describe('iam-policy.json', () => {
  it('is what `flatnet iam-policy` prints for the example inventory', () => {
    expect(shipped).toEqual(buildIamPolicy(inventoryRegions(example)));
  });

  it('grants exactly the EC2 actions the adapter can call: no more, no fewer', () => {
    const granted = new Set(shipped.Statement.flatMap((s) => s.Action));
    expect([...granted].sort()).toEqual(EC2_ACTIONS_USED.map((a) => `ec2:${a}`).sort());
    // Terminating a router is never flatnet's to do: replaced routers are stopped.
    expect(granted).not.toContain('ec2:TerminateInstances');
  });

  it('keeps Resource * only for the Describe calls; every change is scoped to the regions', () => {
    const regions = [...new Set(inventoryRegions(example))].sort();
    for (const statement of shipped.Statement) {
      if (statement.Action.every(isRead)) {
        expect(statement.Condition).toBeUndefined();
        continue;
      }
      expect(statement.Action.some(isRead), statement.Sid).toBe(false);
      expect(statement.Resource, statement.Sid).not.toBe('*');
      expect(statement.Condition?.StringEquals?.['aws:RequestedRegion'], statement.Sid).toEqual(
        regions,
      );
    }
  });

  it('lets flatnet change only tagged routers, addresses, route tables and gateways', () => {
    const conditionsOn = (action: string, resourceType: string) =>
      shipped.Statement.filter(
        (s) =>
          s.Action.includes(action) &&
          [s.Resource].flat().some((r) => r.includes(`:${resourceType}/`)),
      ).map((s) => JSON.stringify(s.Condition));
    for (const action of ['ec2:StopInstances', 'ec2:ModifyInstanceAttribute'])
      expect(conditionsOn(action, 'instance')).toEqual([
        expect.stringContaining('"aws:ResourceTag/flatnet:router":"false"'),
      ]);
    expect(conditionsOn('ec2:AssociateAddress', 'elastic-ip')).toEqual([
      expect.stringContaining('"aws:ResourceTag/flatnet:router":"false"'),
    ]);
    for (const action of ['ec2:ReplaceRoute', 'ec2:CreateRoute', 'ec2:DeleteRoute'])
      expect(conditionsOn(action, 'route-table')).toEqual([
        expect.stringContaining('"aws:ResourceTag/flatnet:managed":"true"'),
      ]);
    expect(conditionsOn('ec2:CreateVpnConnection', 'vpn-gateway')).toEqual([
      expect.stringContaining('"aws:ResourceTag/flatnet:managed":"true"'),
    ]);
    expect(conditionsOn('ec2:RunInstances', 'instance')).toEqual([
      expect.stringContaining('"aws:RequestTag/flatnet:router":"false"'),
    ]);
  });
});
