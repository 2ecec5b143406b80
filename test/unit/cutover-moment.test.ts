/**
 * The cutover at the limit (issue 15 §1), proven by order, not by the clock: right after the
 * Elastic IP moves, every route goes out in one round and the receiver's IPsec reset goes out
 * while those routes are still in flight; the move trusts a fresh plan's reading only on a
 * first attempt. EC2 and the router are fakes whose answers the test releases by hand, so
 * what was asked before what is exact. (The integration suites run the same steps against the
 * emulators: failover-*, scaleup-*, cutover-takeover.)
 */
import { describe, expect, it } from 'vitest';
import { bringTunnelsUp } from '../../src/cutover/bring-tunnels-up.js';
import type { Cutover, CutoverDeps } from '../../src/cutover/cutover.js';
import { CUTOVER_STEPS } from '../../src/cutover/cutover-steps.js';
import {
  ELASTIC_IP_READING_FRESH_MS,
  moveElasticIp,
  moveElasticIpBack,
} from '../../src/cutover/move-elastic-ip.js';
import { repointRoutes } from '../../src/cutover/repoint-routes.js';
import { typedContext } from '../../src/runbook/define-step.js';
import type { Json, StepContext } from '../../src/runbook/types.js';
import type { RouterClient } from '../../src/vyos/router-client.js';

const ROUTES = Array.from({ length: 13 }, (_, i) => ({
  routeTableId: `rtb-${i % 3}`,
  destination: `10.${i}.0.0/16`,
}));
const SAS = ['office-vti', 'spoke-oregon-vti'];

function world(options: { sasUp?: boolean; eipOn?: string; giverUnreachable?: boolean } = {}) {
  const asked: string[] = [];
  const inFlight = new Set<string>();
  const gates: (() => void)[] = [];
  let sasUp = options.sasUp ?? false;
  let holder = options.eipOn ?? 'eni-from';
  const router = {
    ipsecReport: () => {
      asked.push('show vpn ipsec sa');
      return Promise.resolve({
        processRunning: true,
        sas: SAS.map((c) => ({
          connection: c,
          peer: c.replace(/-vti$/, ''),
          state: sasUp ? 'up' : 'down',
          bytesIn: 0,
          bytesOut: 0,
        })),
      });
    },
    bgpSummary: () => Promise.resolve({ neighbors: [] }),
    resetIpsec: () => {
      asked.push(`reset ipsec (${inFlight.size} ReplaceRoute in flight)`);
      sasUp = true;
      return Promise.resolve();
    },
  } as unknown as RouterClient;
  const cloud = {
    describeAddress: () => {
      asked.push('DescribeAddresses');
      return Promise.resolve({ networkInterfaceId: holder });
    },
    associateAddress: (_region: string, r: { networkInterfaceId: string }) => {
      asked.push(`AssociateAddress ${r.networkInterfaceId}`);
      inFlight.add('AssociateAddress');
      return new Promise<object>((resolve) =>
        gates.push(() => {
          inFlight.delete('AssociateAddress');
          holder = r.networkInterfaceId;
          resolve({});
        }),
      );
    },
    describeRouteTables: () => {
      asked.push('DescribeRouteTables');
      const tables = [...new Set(ROUTES.map((r) => r.routeTableId))];
      return Promise.resolve(
        tables.map((id) => ({
          id,
          routes: ROUTES.filter((r) => r.routeTableId === id).map((r) => ({
            destination: r.destination,
            networkInterfaceId: 'eni-to',
          })),
        })),
      );
    },
    replaceRoute: (_region: string, r: { destination: string }) => {
      asked.push(`ReplaceRoute ${r.destination}`);
      inFlight.add(r.destination);
      return new Promise<'replaced'>((resolve) =>
        gates.push(() => {
          inFlight.delete(r.destination);
          resolve('replaced');
        }),
      );
    },
  };
  let now = 1_000_000;
  const deps = {
    cloud,
    clock: () => now,
    tunnelWait: { timeoutMs: 60_000, pollMs: 0 },
  } as unknown as CutoverDeps;
  const cutover = (seenAt?: number): Cutover => ({
    region: 'ap-northeast-1',
    elasticIp: {
      allocationId: 'eipalloc-1',
      publicIp: '203.0.113.10',
      ...(seenAt !== undefined ? { seen: { networkInterfaceId: 'eni-from', at: seenAt } } : {}),
    },
    routes: ROUTES,
    from: {
      label: 'hub-a',
      instanceId: 'i-a',
      networkInterfaceId: 'eni-from',
      client: () => router,
    },
    to: { label: 'hub-b', instanceId: 'i-b', networkInterfaceId: 'eni-to', client: () => router },
    ...(options.giverUnreachable ? { giverUnreachable: true } : {}),
    expectedSas: SAS,
    expectedBgp: [],
  });
  const ctx = (results: Record<string, Json>, firstAttempt: boolean) =>
    typedContext({
      deps,
      results,
      dryRun: false,
      firstAttempt,
      note: () => Promise.resolve(),
      assertStillOwner: () => Promise.resolve(),
    } as unknown as StepContext<CutoverDeps>);
  return {
    asked,
    cutover,
    ctx,
    advance: (ms: number) => (now += ms),
    now: () => now,
    /** EC2 answers every call in flight. */
    answer: () => gates.splice(0).forEach((open) => open()),
    inFlight: () => inFlight.size,
  };
}

/** Let every pending promise callback run (no timer involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Answers EC2's calls as they come until `work` is done. */
async function answered<T>(w: { answer(): void }, work: Promise<T>): Promise<T> {
  let done = false;
  void work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    await settle();
    w.answer();
  }
  return work;
}

describe('the cutover moment (issue 15 §1)', () => {
  it(
    'right after this attempt moved the Elastic IP, every route is asked in one round and the ' +
      'IPsec reset goes out while all of them are in flight',
    async () => {
      const w = world();
      const step = repointRoutes(() => w.cutover());
      const done = step(w.ctx({ [CUTOVER_STEPS.moveElasticIp.id]: { moved: true } }, true));
      await settle();
      // Nothing has answered yet: a one-after-another repoint would have asked one route.
      expect(w.inFlight()).toBe(13);
      expect(w.asked).toContain('reset ipsec (13 ReplaceRoute in flight)');
      // No look at the SAs first: none can be up right after the move.
      expect(w.asked).not.toContain('show vpn ipsec sa');
      w.answer();
      const outcome = await done;
      expect(outcome?.result).toEqual({ repointed: ROUTES, missing: [], ipsec: 'reset' });
    },
  );

  it('resumed, the repoint looks at the SAs first and leaves tunnels that came up', async () => {
    const w = world({ sasUp: true });
    const step = repointRoutes(() => w.cutover());
    const done = step(w.ctx({ [CUTOVER_STEPS.moveElasticIp.id]: { moved: true } }, false));
    await settle();
    w.answer();
    const outcome = await done;
    expect(w.asked).toContain('show vpn ipsec sa');
    expect(w.asked.some((a) => a.startsWith('reset ipsec'))).toBe(false);
    expect(outcome?.result?.ipsec).toBe('already-up');
  });

  it('after a repoint that reset IPsec, waiting for the tunnels resets nothing again', async () => {
    const w = world({ sasUp: false });
    const step = bringTunnelsUp(() => w.cutover());
    const repointed = { repointed: ROUTES, missing: [], ipsec: 'reset' };
    // The SAs come up on the second look: the step waits, it does not reset.
    let looks = 0;
    const c = w.cutover();
    const client = c.to.client();
    const read = client.ipsecReport.bind(client);
    client.ipsecReport = async () => {
      if (++looks === 2) await client.resetIpsec();
      return read();
    };
    await step(w.ctx({ [CUTOVER_STEPS.repointRoutes.id]: repointed }, true));
    expect(w.asked.filter((a) => a.startsWith('reset ipsec'))).toHaveLength(1);
    expect(looks).toBeGreaterThanOrEqual(2);
  });

  it('a first attempt after a fresh plan moves the Elastic IP, asking EC2 nothing', async () => {
    const w = world();
    const step = moveElasticIp(() => w.cutover(w.now() - 200));
    const outcome = await answered(w, step(w.ctx({}, true)));
    expect(w.asked).toEqual(['AssociateAddress eni-to']);
    expect(outcome?.result).toEqual({ moved: true });
  });

  it.each([
    ['the plan read it too long ago', ELASTIC_IP_READING_FRESH_MS + 1, true],
    ['the step is resumed after a worker died in it', 0, false],
  ])('asks EC2 first when %s', async (_why, age, firstAttempt) => {
    const w = world();
    const step = moveElasticIp(() => w.cutover(w.now() - age));
    await answered(w, step(w.ctx({}, firstAttempt)));
    expect(w.asked).toEqual(['DescribeAddresses', 'AssociateAddress eni-to']);
  });

  it('resumed after the move landed, it finds the Elastic IP there and moves nothing', async () => {
    const w = world({ eipOn: 'eni-to' });
    const step = moveElasticIp(() => w.cutover(w.now()));
    const outcome = await step(w.ctx({}, false));
    expect(w.asked).toEqual(['DescribeAddresses']);
    expect(outcome?.result).toEqual({ moved: false });
  });

  it(
    'a giver that did not answer: its routes go out in the Elastic IP move own round, the ' +
      'repoint only re-keys, and the undo puts both back',
    async () => {
      const w = world({ giverUnreachable: true });
      const moving = moveElasticIp(() => w.cutover(w.now()))(w.ctx({}, true));
      await settle();
      // Nothing answered yet, and every route is asked beside the AssociateAddress.
      expect(w.inFlight()).toBe(14);
      expect(w.asked[0]).toBe('AssociateAddress eni-to');
      w.answer();
      const moved = await moving;
      expect(moved?.result).toEqual({ moved: true, routes: { repointed: ROUTES, missing: [] } });

      w.asked.length = 0;
      const repoint = repointRoutes(() => w.cutover());
      const results = { [CUTOVER_STEPS.moveElasticIp.id]: moved!.result! };
      const outcome = await answered(w, repoint(w.ctx(results, true)));
      expect(w.asked).toEqual(['reset ipsec (0 ReplaceRoute in flight)']);
      expect(outcome?.result).toEqual({ repointed: ROUTES, missing: [], ipsec: 'reset' });

      w.asked.length = 0;
      await answered(w, moveElasticIpBack(() => w.cutover())(w.ctx({}, false)));
      expect(w.asked.filter((a) => a.startsWith('ReplaceRoute'))).toHaveLength(13);
      expect(w.asked).toContain('AssociateAddress eni-from');
    },
  );
});
