import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { InventoryError } from '../../src/errors.js';
import { anInventory, theReferenceFleet } from '../support/inventory-builder.js';

describe('the test inventory builder', () => {
  it('builds examples/flatnet.yml router for router (tests that use it test the example)', () => {
    const example = readFileSync('examples/flatnet.yml', 'utf8');
    expect(theReferenceFleet().build()).toEqual(parseInventory(example, 'flatnet.yml', null));
  });

  it('makes a valid small fleet by default: the Tokyo hub alone, with its VPC', () => {
    const inventory = anInventory().build();
    expect(Object.keys(inventory.routers)).toEqual(['hub-tokyo-a']);
    expect(inventory.regions).toEqual({
      'ap-northeast-1': {
        vpcs: [{ id: 'vpc-0a1b2c3d4e5f60001', name: 'hub', cidr: '10.0.0.0/16' }],
      },
    });
  });

  it('goes through the parser: what the bot would refuse is refused, with its words', () => {
    const unknownStandby = anInventory().withRouter('hub-tokyo-a', { standby: 'hub-tokyo-z' });
    expect(() => unknownStandby.build()).toThrow(InventoryError);
    expect(() => unknownStandby.build()).toThrow(/hub-tokyo-z/);
    const withSite = anInventory().withSite('intranet', {
      backup: 'intranet-2',
      target: '172.16.0.1',
    });
    expect(parseInventory(withSite.toYaml(), 'flatnet.yml', null)).toEqual(withSite.build());
    expect(withSite.build().sites).toEqual({
      intranet: { backup: 'intranet-2', target: '172.16.0.1' },
    });
  });
});
