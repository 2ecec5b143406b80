/**
 * Issue 15 §3: a world on the address plan that scales to 500+ routers
 * (src/sim/world/spoke-address-plan.ts) builds, and `/vpn status` through the real engine,
 * worker, SSH and EC2 reports every router of it. 30 routers, not 500: a status run over 110
 * took 100 s at load 19 (reachability judges every ordered pair), too long for a test. The
 * 500-router world is the bench's (`npm run bench -- status-500 monitor-round-500`); its
 * topology, the vti1000+ tunnels from the 100th spoke on included, is checked whole in
 * test/unit/world-topology-500.test.ts.
 *
 * The status run judges reachability with `summarizeReachInSlices`, which reuses each forward
 * trace as the other pair's reply when no router has a zone firewall and keeps no verdict past
 * its count: here it must give exactly the summary of judging every pair one by one
 * (`summarizeReach`), on this world whole, with paths broken, and with a zone firewall.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load-inventory.js';
import { createLogger } from '../../src/log.js';
import type { StatusReport } from '../../src/report/status-report.js';
import { summarizeReach, summarizeReachInSlices } from '../../src/reach/judge-reach.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import type { ReachState } from '../../src/reach/reach-state.js';
import { addressInVpc } from '../../src/sim/world/spoke-address-plan.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { cleanUpTestWorld } from '../helpers/clean-up-test-world.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';

const ROUTERS = 30;
let world: World;
let runtime: Runtime;
let dir: string;
const prefix = uniquePrefix('status-large');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flatnet-status-large-'));
  world = await startWorld({ dir, extraSpokes: ROUTERS - 7 });
  runtime = await createRuntime({
    loaded: loadInventory(world.writeInventory(join(dir, 'flatnet.yml'))),
    redisUrl,
    prefix,
    logger: createLogger({ level: 'silent' }),
    worker: { concurrency: 2 },
  });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await world?.close();
  await cleanUpTestWorld(prefix, dir);
});

describe(`a world of ${ROUTERS} routers on the scalable address plan`, () => {
  it('is one the oracle routes: the hub VPC reaches the last spoke through its aggregate', () => {
    const last = world.topology.routers.at(-1)!;
    expect(last.networks).toEqual(['10.130.192.0/20', '10.130.208.0/20']);
    // The oracle's host in a VPC is .2.100 of it (world-network.ts), both ways judged.
    const verdict = world.reach('10.0.2.100', addressInVpc(last.networks[0]!, 2 * 256 + 100));
    expect(verdict).toMatchObject({ reachable: true });
  });

  it('`/vpn status` reports every router, read, the last spoke with its BGP up', async () => {
    const run = await runtime.engine.submit({
      kind: 'status',
      target: '*',
      params: {},
      requester: 'U0ALICE',
      origin: { kind: 'cli', channel: 'test' },
      dryRun: false,
    });
    const done = await waitFor(
      async () => {
        const r = await runtime.engine.get(run.id);
        return r && ['succeeded', 'failed'].includes(r.status) ? r : undefined;
      },
      `status run ${run.id} to end`,
      180_000,
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    const report = done.steps[0]!.result as unknown as StatusReport;
    expect(report.routers.map((r) => r.router).sort()).toEqual(
      world.topology.routers.map((r) => r.name).sort(),
    );
    expect(report.routers.filter((r) => !r.reachable)).toEqual([]);
    const last = report.routers.find((r) => r.router === `spoke-extra-${ROUTERS - 7}`)!;
    expect(last.tunnels).toContainEqual(
      expect.objectContaining({ kind: 'bgp', state: 'up', name: 'BGP 169.254.28.1 (hub)' }),
    );
  }, 200_000);
});

/**
 * A zone firewall on `router` (vyos-1x nftables-zone.j2 semantics, src/reach/zone-firewall.ts):
 * its VPC legs take only replies from its tunnels, so a connection into its VPCs breaks and one
 * out of them works, which only a reply judged as `established` where its request passed shows.
 */
function withZoneFirewall(state: ReachState, router: string): ReachState {
  const copy = structuredClone(state);
  const r = copy.routers.find((x) => x.name === router)!;
  const ifaces = [...new Set(r.reading!.routes.map((x) => x.iface).filter((i) => i))] as string[];
  const set = (...path: string[]) => ({
    op: 'set' as const,
    path: path.slice(0, -1),
    value: path.at(-1)!,
  });
  const zone = (i: string) => (i.startsWith('eth') ? 'LAN' : 'WAN');
  r.reading!.config.push(
    ...ifaces.map((i) => set('firewall', 'zone', zone(i), 'interface', i)),
    set('firewall', 'zone', 'LAN', 'default-action', 'drop'),
    set('firewall', 'zone', 'LAN', 'from', 'WAN', 'firewall', 'name', 'WAN-LAN'),
    set('firewall', 'zone', 'WAN', 'default-action', 'drop'),
    set('firewall', 'zone', 'WAN', 'from', 'LAN', 'firewall', 'name', 'LAN-WAN'),
    set('firewall', 'ipv4', 'name', 'WAN-LAN', 'default-action', 'drop'),
    set('firewall', 'ipv4', 'name', 'WAN-LAN', 'rule', '10', 'action', 'accept'),
    set('firewall', 'ipv4', 'name', 'WAN-LAN', 'rule', '10', 'state', 'established'),
    set('firewall', 'ipv4', 'name', 'LAN-WAN', 'default-action', 'accept'),
  );
  return copy;
}

describe('the status reach summary, judged in slices', () => {
  const read = () =>
    readReachState({
      inventory: runtime.loaded.inventory,
      routers: runtime.routers,
      cloud: runtime.cloud,
    });
  const expectSameAsEveryPair = async (state: ReachState) => {
    const sliced = await summarizeReachInSlices(state, 1);
    expect(sliced).toEqual(summarizeReach(state));
    return sliced;
  };

  it('is the summary of every pair judged one by one, whole and with paths broken', async () => {
    const whole = await expectSameAsEveryPair(await read());
    expect(whole.total).toBe(whole.networks * (whole.networks - 1));
    expect(whole.networks).toBeGreaterThan(50);
    // Left so (the world is this file's): starting an instance that is still stopping is
    // refused, as EC2 refuses it.
    world.setRouterDown('spoke-extra-03', true);
    world.setTunnelForced('hub-tokyo-a', 'spoke-extra-05', 'down');
    const broken = await expectSameAsEveryPair(await read());
    // Both kinds of pair were judged: some reach, some break (forward and return alike).
    expect(broken.broken).toBeGreaterThan(0);
    expect(broken.broken).toBeLessThan(broken.total);
    expect(broken.hops.length).toBeGreaterThan(1);
  }, 120_000);

  it('is the summary of every pair when a router has a zone firewall', async () => {
    const state = withZoneFirewall(await read(), 'spoke-extra-02');
    const fenced = await expectSameAsEveryPair(state);
    expect(fenced.hops.some((h) => h.reason.includes('blocked by'))).toBe(true);
  }, 120_000);
});
