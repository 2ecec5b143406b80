import { describe, expect, it } from 'vitest';
import { FlatnetError } from '../../src/errors.js';
import { describeScalePlan } from '../../src/scaleup/describe-scale-plan.js';
import { scalePlanner } from '../../src/scaleup/scale-planner.js';
import type { LoadFactsResult } from '../../src/scaleup/scale-steps.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();

const facts: LoadFactsResult = {
  router: 'hub-tokyo-a',
  region: 'ap-northeast-1',
  direction: 'up',
  instanceId: 'i-0aaa1111bbbb2222c',
  currentType: 'c5.large',
  state: 'running',
  networkInterfaceId: 'eni-0old',
  privateIp: '10.0.1.10',
  subnetId: 'subnet-0aaa1111',
  load5: 2.345,
  loadThreshold: 2,
  elasticIp: {
    allocationId: 'eipalloc-0abc1234',
    publicIp: '203.0.113.10',
    holderInstanceId: 'i-0aaa1111bbbb2222c',
    holderInterfaceId: 'eni-0old',
  },
  routes: [
    { routeTableId: 'rtb-1', destination: '10.10.0.0/16' },
    { routeTableId: 'rtb-1', destination: '10.11.0.0/16' },
    { routeTableId: 'rtb-2', destination: '192.168.0.0/16' },
  ],
  targetType: 'c5.xlarge',
  image: { imageId: 'ami-0base', name: 'vyos-1.4-base', creationDate: '2026-01-05T10:00:00.000Z' },
  tunnelsUp: 6,
  bgpEstablished: 5,
};

describe('describeScalePlan', () => {
  const lines = describeScalePlan(facts, false);
  const text = lines.join('\n');

  it('shows current and target type, AMI id and date, load, Elastic IP, routes by table', () => {
    expect(lines[0]).toBe(
      'Scale up hub-tokyo-a (i-0aaa1111bbbb2222c, ap-northeast-1): c5.large → c5.xlarge',
    );
    expect(text).toContain('ami-0base');
    expect(text).toContain('2026-01-05T10:00:00.000Z');
    expect(text).toContain('5-minute load: 2.35 (threshold 2)');
    expect(text).toContain('203.0.113.10 (eipalloc-0abc1234) on eni-0old');
    expect(text).toContain(
      '3 in 2 tables: rtb-1 (10.10.0.0/16, 10.11.0.0/16); rtb-2 (192.168.0.0/16)',
    );
    expect(text).toContain('6 IPsec SAs up, 5 BGP sessions established');
  });

  it('states the cutover order: Elastic IP before tunnels, routes after, stop last', () => {
    const order = lines.find((l) => l.startsWith('Order:'))!;
    const at = (what: string) => order.indexOf(what);
    expect(at('launch c5.xlarge')).toBeGreaterThanOrEqual(0);
    expect(at('copy the running config')).toBeLessThan(at('move the Elastic IP'));
    expect(at('move the Elastic IP')).toBeLessThan(at('bring the tunnels up'));
    expect(at('bring the tunnels up')).toBeLessThan(at('repoint the routes'));
    expect(at('repoint the routes')).toBeLessThan(at('stop i-0aaa1111bbbb2222c'));
    expect(order).toContain('never terminate');
  });

  it('says so for a dry run, and only then', () => {
    expect(text).not.toContain('Dry run');
    expect(describeScalePlan(facts, true).at(-1)).toMatch(/^Dry run/);
  });

  it('says scale down for the other direction', () => {
    expect(
      describeScalePlan({ ...facts, direction: 'down', targetType: 't3.medium' }, false)[0],
    ).toMatch(/^Scale down hub-tokyo-a .*c5.large → t3.medium$/);
  });
});

describe('scalePlanner', () => {
  const up = scalePlanner('up');
  const ctx = { inventory, requester: 'U0ALICE' };

  it('plans a run on the router with its approval policy and the requested type', async () => {
    const planned = await up.plan(
      { kind: 'scaleup', router: 'hub-tokyo-a', type: 'c5.xlarge', dryRun: false },
      ctx,
    );
    expect(planned).toMatchObject({
      kind: 'scaleup',
      target: 'hub-tokyo-a',
      params: { type: 'c5.xlarge' },
      dryRun: false,
    });
    expect(planned.approval).toEqual({
      approvers: ['U0BOB', 'U0CAROL'],
      distinctApprovers: 1,
      allowSelfApproval: false,
      expiresInMs: 30 * 60_000,
      approversLabel: 'network-approvers',
    });
  });

  it('refuses an unknown router, naming the known ones', async () => {
    const err = await Promise.resolve()
      .then(() => up.plan({ kind: 'scaleup', router: 'hub-osaka', dryRun: false }, ctx))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlatnetError);
    expect((err as FlatnetError).code).toBe('UNKNOWN_TARGET');
    expect((err as FlatnetError).hint).toContain('hub-tokyo-a');
  });

  it('refuses a standby and names its primary', async () => {
    const err = (await Promise.resolve()
      .then(() =>
        scalePlanner('down').plan({ kind: 'scaledown', router: 'hub-tokyo-b', dryRun: true }, ctx),
      )
      .catch((e: unknown) => e)) as FlatnetError;
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('standby');
    expect(err.hint).toContain('/router scaledown hub-tokyo-a');
  });
});
