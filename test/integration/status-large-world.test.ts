/**
 * Issue 15 §3: a world on the address plan that scales to 500+ routers
 * (src/sim/world/spoke-address-plan.ts) builds, and `/vpn status` through the real engine,
 * worker, SSH and EC2 reports every router of it. 30 routers, not 500: a status run over 110
 * took 100 s at load 19 (reachability judges every ordered pair), too long for a test. The
 * 500-router world is the bench's (`npm run bench -- status-500 monitor-round-500`); its
 * topology, the vti1000+ tunnels from the 100th spoke on included, is checked whole in
 * test/unit/world-topology-500.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load-inventory.js';
import { createLogger } from '../../src/log.js';
import type { StatusReport } from '../../src/report/status-report.js';
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
