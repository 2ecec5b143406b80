/**
 * The propagate-routes step of /vpn attach-vpc against a fake EC2: which tables it turns on,
 * that it leaves alone what already propagates, that a dry run only proves the permission,
 * and that undo turns off exactly what it turned on.
 */
import { describe, expect, it } from 'vitest';
import type { AttachVpcDeps } from '../../src/attach-vpc/attach-deps.js';
import { ATTACH_VPC_STEPS as S, type AttachPlan } from '../../src/attach-vpc/attach-vpc-steps.js';
import { propagateRoutes, stopPropagatingRoutes } from '../../src/attach-vpc/propagate-routes.js';
import type { RouteTable } from '../../src/aws/types.js';
import { typedContext } from '../../src/runbook/define-step.js';
import type { Json, StepContext } from '../../src/runbook/types.js';

const VGW = 'vgw-0a1b2c3d4e5f00002';
const VPC = 'vpc-0a1b2c3d4e5f60701';

function table(id: string, propagatingVgws: string[] = []): RouteTable {
  return { id, vpcId: VPC, routes: [], subnetIds: [], main: false, propagatingVgws, tags: {} };
}

function harness(tables: RouteTable[], dryRun = false) {
  const calls: string[] = [];
  const plan: AttachPlan = {
    requestedId: VPC,
    region: 'ap-northeast-1',
    vpcId: VPC,
    vpcName: 'analytics',
    vpcCidr: null,
    vgwId: VGW,
    vgwAsn: 64512,
    hub: 'hub-tokyo-a',
    hubInstanceId: 'i-0123456789abcdef0',
    hubPublicIp: '203.0.113.10',
    hubPrivateIp: '10.0.0.10',
    hubAsn: 65000,
    existing: null,
    alreadyAttached: false,
    hubPeers: [],
  };
  const results: Record<string, Json | undefined> = { [S.resolve.id]: plan };
  const deps = {
    cloud: {
      describeRouteTables: (_region: string, filter?: { vpcId?: string }) =>
        Promise.resolve(tables.filter((t) => t.vpcId === filter?.vpcId)),
      setVgwRoutePropagation: (
        _region: string,
        r: { routeTableId: string; vpnGatewayId: string; enabled: boolean; dryRun?: boolean },
      ) => {
        calls.push(
          `${r.enabled ? 'enable' : 'disable'} ${r.routeTableId}${r.dryRun ? ' dry' : ''}`,
        );
        return Promise.resolve();
      },
    },
  } as unknown as AttachVpcDeps;
  const ctx = () =>
    typedContext({
      deps,
      results,
      dryRun,
      note: () => Promise.resolve(),
      assertStillOwner: () => Promise.resolve(),
    } as unknown as StepContext<AttachVpcDeps>);
  return { calls, ctx, results, plan };
}

describe('attach-vpc turns VGW route propagation on', () => {
  it(
    'on every table of the VPC that does not ' + 'propagate yet; undo turns off only those',
    async () => {
      const h = harness([table('rtb-1'), table('rtb-2', [VGW]), table('rtb-3')]);
      const out = await propagateRoutes(h.ctx());
      expect(h.calls).toEqual(['enable rtb-1', 'enable rtb-3']);
      expect(out?.result).toEqual({ enabled: ['rtb-1', 'rtb-3'], already: ['rtb-2'] });
      expect(out?.detail).toContain('rtb-1, rtb-3 now learn the flat network from');
      h.results[S.propagateRoutes.id] = out!.result;
      await stopPropagatingRoutes(h.ctx());
      expect(h.calls.slice(2)).toEqual(['disable rtb-1', 'disable rtb-3']);
    },
  );

  it('changes nothing when every table already propagates (a re-run)', async () => {
    const h = harness([table('rtb-1', [VGW])]);
    const out = await propagateRoutes(h.ctx());
    expect(h.calls).toEqual([]);
    expect(out?.detail).toContain('already propagates');
  });

  it('a dry run only proves the permission with DryRun calls', async () => {
    const h = harness([table('rtb-1')], true);
    const out = await propagateRoutes(h.ctx());
    expect(h.calls).toEqual(['enable rtb-1 dry']);
    expect(out?.result).toEqual({ enabled: [], already: [] });
    expect(out?.detail).toContain('DryRun: EnableVgwRoutePropagation would succeed');
  });
});
