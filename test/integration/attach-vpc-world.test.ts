/**
 * /vpn attach-vpc end to end in the simulated world: the real EC2 adapter against the EC2
 * emulator, the real SSH driver against the hub's VyOS emulator, the real engine on BullMQ
 * and Redis (a unique prefix per test) with a worker, and the world's tunnel oracle deciding
 * whether AWS reports the tunnels UP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  attachVpcPlanner,
  createAttachVpcRunbook,
  type AttachVpcDeps,
  type AttachVpcOptions,
} from '../../jobs/attach-vpc.js';
import { handleSlashCommand } from '../../commands/handle-slash-command.js';
import { createCloud, type Cloud } from '../../src/aws/index.js';
import { loadInventory, type LoadedInventory } from '../../src/config/load-inventory.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createRunQueue, type RunQueue } from '../../src/queue/run-queue.js';
import { createRunJobProcessor, recordGaveUp } from '../../src/queue/run-job-processor.js';
import { startWorker } from '../../src/queue/start-worker.js';
import { createEngine, type Engine } from '../../src/runbook/engine.js';
import type { Run } from '../../src/runbook/types.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { createRuntime, type Runtime } from '../../src/wiring/create-runtime.js';
import { connectRouters } from '../../src/wiring/connect-to-network.js';
import type { RouterPool } from '../../src/vyos/router-pool.js';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { waitUntil as waitFor } from '../helpers/wait-for.js';
import { cleanUpTestWorld } from '../helpers/clean-up-test-world.js';

const REGION = 'ap-northeast-1';
const HUB = 'hub-tokyo-a';
const FINAL = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'cancelled'];

/** A pino stream kept in memory: what would have reached the log file. */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

interface Bench {
  world: World;
  loaded: LoadedInventory;
  engine: Engine;
  redis: Redis;
  prefix: string;
  log: LogCapture;
  submit(id: string, options?: { dryRun?: boolean }): Promise<Run>;
  /** Approve when the run asks for it, then wait for its end. */
  finish(run: Run): Promise<Run>;
  close(): Promise<void>;
}

/**
 * The runbook on its own engine and worker (so a test can shorten the tunnel wait), closed whatever
 * happens.
 */
async function withBench(
  options: AttachVpcOptions,
  test: (bench: Bench) => Promise<void>,
): Promise<void> {
  const bench = await startBench(options);
  try {
    await test(bench);
  } finally {
    await bench.close();
  }
}

async function startBench(options: AttachVpcOptions): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-attach-'));
  const world = await startWorld({ dir, bootMs: 100, tunnelUpMs: 100 });
  const loaded = loadInventory(world.writeInventory());
  const log = new LogCapture();
  const logger: Logger = createLogger({ level: 'trace' }, log);
  const cloud: Cloud = createCloud({
    endpoint: world.ec2Url,
    credentials: loaded.inventory.aws.credentials!,
    maxAttempts: 3,
    logger,
  });
  const routers: RouterPool = connectRouters(loaded, logger);
  const prefix = uniquePrefix('attach');
  const redis = testRedis();
  const queue: RunQueue = createRunQueue({
    connection: redis,
    prefix,
    jobOptions: { backoff: { type: 'fixed', delay: 50 } },
  });
  const deps: AttachVpcDeps = { inventory: loaded.inventory, routers, cloud };
  const engine = createEngine<AttachVpcDeps>({
    describeCommand: rebuildCommandLine,
    redis,
    prefix,
    queue,
    runbooks: {
      'attach-vpc': createAttachVpcRunbook({
        tunnelWait: { timeoutMs: 10_000, firstPollMs: 20, maxPollMs: 200 },
        ...options,
      }),
    },
    deps,
    logger,
    leaseTtlMs: 5_000,
  });
  const workerConnection = testRedis();
  const worker: Worker = startWorker({
    connection: workerConnection,
    prefix,
    concurrency: 2,
    processor: createRunJobProcessor(engine, { logger }),
    logger,
    onJobGaveUp: recordGaveUp(engine),
  });
  const bench: Bench = {
    world,
    loaded,
    engine,
    redis,
    prefix,
    log,
    async submit(id, o = {}) {
      const planned = await attachVpcPlanner.plan(
        { kind: 'attach-vpc', id, region: REGION, dryRun: o.dryRun ?? false },
        { inventory: loaded.inventory, requester: 'U0ALICE' },
      );
      return engine.submit({
        ...planned,
        requester: 'U0ALICE',
        origin: { kind: 'cli', channel: 'C0NETOPS' },
      });
    },
    finish: (run) => finishRun(engine, run),
    async close() {
      await worker.close(true);
      workerConnection.disconnect();
      await queue.close();
      await engine.close();
      await routers.closeAll();
      cloud.close();
      await world.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bench;
}

/** A stuck run fails the test, not a slow one: CI ran a dry run's plan past 20 s at load 7. */
const RUN_PATIENCE_MS = 90_000;

async function finishRun(engine: Engine, run: Run): Promise<Run> {
  const settled = await waitFor(
    `run ${run.id} to plan`,
    async () => {
      const r = await engine.get(run.id);
      return r && (r.status === 'awaiting-approval' || FINAL.includes(r.status)) ? r : undefined;
    },
    RUN_PATIENCE_MS,
  );
  if (settled.status === 'awaiting-approval') {
    const decided = await engine.decide(run.id, 'U0BOB', 'approve');
    expect(decided.ok, decided.message).toBe(true);
  }
  return waitFor(
    `run ${run.id} to finish`,
    async () => {
      const r = await engine.get(run.id);
      return r && FINAL.includes(r.status) ? r : undefined;
    },
    RUN_PATIENCE_MS,
  );
}

const analytics = (world: World) => world.topology.vpcs.find((v) => v.name === 'analytics')!;
const hubLines = (world: World) => world.router(HUB).record.readConfig();
const vpnConnectionsOn = (world: World, vgwId: string) =>
  [...world.state.vpnConnections.values()].filter((c) => c.vpnGatewayId === vgwId);
const peerLines = (lines: readonly string[]) =>
  lines.filter(
    (l) => l.startsWith('set vpn ipsec site-to-site peer ') && l.includes(' remote-address '),
  );
/** The hub VPC's routes as EC2 holds them: `destination → target`. */
const hubVpcRoutes = (world: World) => {
  const vpc = world.topology.vpcs.find((v) => v.name === 'hub')!;
  return world.state.routeTables
    .get(vpc.routeTableId)!
    .routes.map((r) => `${r.destination} → ${r.networkInterfaceId ?? r.gatewayId}`);
};
const savedLines = (world: World) => world.router(HUB).handle.router.savedLines();

// Each test has its own world, Redis prefix and worker, so they run side by side.
describe.concurrent('attach-vpc in the simulated world', { timeout: 240_000 }, () => {
  it(
    'attaches analytics: a VPN connection, two tunnels and ' +
      'BGP on the hub, telemetry UP; a re-run changes nothing',
    () =>
      withBench({}, async (bench) => {
        const { world } = bench;
        const vpc = analytics(world);
        const vgwId = vpc.reach.kind === 'vgw' ? vpc.reach.vgwId : '';
        const peersBefore = peerLines(hubLines(world)).length;
        expect(vpnConnectionsOn(world, vgwId)).toHaveLength(0);

        const run = await bench.finish(await bench.submit(vpc.id));
        expect(run.status, run.outcome).toBe('succeeded');
        expect(run.plan?.join('\n')).toContain('Attach analytics');

        // One VPN connection, from the customer gateway for the hub's Elastic IP and ASN.
        const [conn, ...more] = vpnConnectionsOn(world, vgwId);
        expect(more).toHaveLength(0);
        const cgw = world.state.customerGateways.get(conn!.customerGatewayId)!;
        expect(cgw.ipAddress).toBe(world.topology.hub.publicIp);
        expect(cgw.bgpAsn).toBe(world.topology.hub.asn);

        // Two new peers on the hub to the connection's outside addresses, on free VTIs, with BGP.
        const lines = hubLines(world);
        expect(peerLines(lines)).toHaveLength(peersBefore + 2);
        for (const [i, tunnel] of conn!.tunnels.entries()) {
          const peer = `aws-analytics-tun${i + 1}`;
          expect(lines).toContain(
            `set vpn ipsec site-to-site peer ${peer} remote-address '${tunnel.outsideIp}'`,
          );
          expect(lines).toContain(
            `set vpn ipsec site-to-site peer ${peer} local-address '10.0.1.10'`,
          );
          expect(lines).toContain(
            `set vpn ipsec site-to-site peer ${peer} vti bind 'vti${202 + i}'`,
          );
          const [a, b, c, d] = tunnel.insideCidr.split('/')[0]!.split('.').map(Number);
          expect(
            lines.some((l) =>
              l.startsWith(`set protocols bgp neighbor ${a}.${b}.${c}.${d! + 1} remote-as`),
            ),
          ).toBe(true);
        }
        // The VGW learns what BGP does not pass on (the WireGuard pool, the office), and a path
        // through the other VGW (same Amazon AS 64512) is not dropped as a loop: as-override.
        expect(lines).toContain(
          'set protocols bgp address-family ipv4-unicast network 10.250.0.0/24',
        );
        expect(lines).toContain("set protocols static route 192.168.0.0/16 dhcp-interface 'eth0'");
        expect(lines).toContain(
          'set protocols bgp address-family ipv4-unicast network 192.168.0.0/16',
        );
        // Both new neighbours, and the shared-services VGW's (same AS 64512, attached before
        // flatnet without it), which would otherwise drop analytics' prefix as a loop.
        expect(
          lines.filter((l) => / address-family ipv4-unicast as-override$/.test(l)),
        ).toHaveLength(4);
        expect(lines).toContain(
          'set protocols bgp neighbor 169.254.200.1 address-family ipv4-unicast as-override',
        );
        // The hub VPC now routes the WireGuard pool (which the hub serves) to the hub router.
        const hubEni = world.state.instances.get(world.router(HUB).instanceId)!.networkInterfaceId;
        expect(hubVpcRoutes(world)).toContain(`10.250.0.0/24 → ${hubEni}`);
        // The VPC's route table now learns the flat network from its VGW (replies find the way
        // back).
        expect(world.state.routeTables.get(vpc.routeTableId)!.propagatingVgws).toEqual([vgwId]);
        // Saved, not only committed: a reboot keeps the attachment.
        expect(peerLines(savedLines(world))).toHaveLength(peersBefore + 2);

        // What AWS and the hub say now.
        const cloud = createCloud({
          endpoint: world.ec2Url,
          credentials: bench.loaded.inventory.aws.credentials!,
        });
        const routers = connectRouters(bench.loaded, createLogger({ level: 'silent' }));
        try {
          const seen = (await cloud.describeVpnConnections(REGION)).find(
            (c) => c.id === conn!.vpnConnectionId,
          )!;
          expect(seen.tunnels.map((t) => t.status)).toEqual(['UP', 'UP']);
          const bgp = await routers.router(HUB).bgpSummary();
          const inside = conn!.tunnels.map((t) =>
            t.insideCidr.replace(/\d+\/30$/, (last) => String(Number(last.split('/')[0]) + 1)),
          );
          expect(inside.map((ip) => bgp?.neighbors.find((n) => n.address === ip)?.state)).toEqual([
            'Established',
            'Established',
          ]);
        } finally {
          cloud.close();
          await routers.closeAll();
        }
        expect(run.outcome).toContain(conn!.vpnConnectionId);

        // Again, by the VGW id this time: nothing new in AWS, nothing new on the hub.
        const configBefore = hubLines(world).join('\n');
        const cgwCount = world.state.customerGateways.size;
        const again = await bench.finish(await bench.submit(vgwId));
        expect(again.status, again.outcome).toBe('succeeded');
        expect(again.outcome).toMatch(/already attached .*nothing changed/);
        expect(vpnConnectionsOn(world, vgwId)).toHaveLength(1);
        expect(world.state.customerGateways.size).toBe(cgwCount);
        expect(hubLines(world).join('\n')).toBe(configBefore);
      }),
  );

  it('keeps every pre-shared key out of the log and out of Redis after a full run', () =>
    withBench({}, async (bench) => {
      const { world } = bench;
      const run = await bench.finish(await bench.submit(analytics(world).id));
      expect(run.status, run.outcome).toBe('succeeded');

      const psks = [...world.state.vpnConnections.values()].flatMap((c) =>
        c.tunnels.map((t) => t.preSharedKey),
      );
      expect(psks.length).toBeGreaterThanOrEqual(4);
      // The log did see the run (so an empty log cannot pass this test).
      expect(bench.log.text).toContain('ec2 call');
      expect(bench.log.text).toContain('configuration applied');

      const stored = await dumpPrefix(bench.redis, bench.prefix);
      expect(stored).toContain(run.id);
      for (const psk of psks) {
        expect(bench.log.text.includes(psk), 'a pre-shared key reached the log').toBe(false);
        expect(stored.includes(psk), 'a pre-shared key reached Redis').toBe(false);
        expect(JSON.stringify(run).includes(psk), 'a pre-shared key reached the run record').toBe(
          false,
        );
      }
    }));

  it(
    'refuses a VPC without a VGW during planning, ' + 'before anyone approves, and changes nothing',
    () =>
      withBench({}, async (bench) => {
        const { world } = bench;
        const hubVpc = world.topology.vpcs.find((v) => v.name === 'hub')!;
        const before = {
          lines: hubLines(world).join('\n'),
          vpn: world.state.vpnConnections.size,
          cgw: world.state.customerGateways.size,
        };
        const run = await bench.finish(await bench.submit(hubVpc.id));
        expect(run.status).toBe('failed');
        expect(run.decisions).toHaveLength(0);
        expect(run.outcome).toContain(`${hubVpc.id} in ${REGION} has no Virtual Private Gateway`);
        expect(run.outcome).toContain('create and attach a Virtual Private Gateway first');
        expect({
          lines: hubLines(world).join('\n'),
          vpn: world.state.vpnConnections.size,
          cgw: world.state.customerGateways.size,
        }).toEqual(before);
      }),
  );

  it(
    'a dry run creates nothing in AWS, leaves the ' +
      'hub as it was, and counts the lines it would add',
    () =>
      withBench({}, async (bench) => {
        const { world } = bench;
        const before = {
          lines: hubLines(world).join('\n'),
          vpn: world.state.vpnConnections.size,
          cgw: world.state.customerGateways.size,
        };
        const answers: string[] = [];
        world.state.on('request', (r) => answers.push(`${r.action} ${r.code ?? r.status}`));
        const run = await bench.finish(await bench.submit(analytics(world).id, { dryRun: true }));
        expect(run.status, run.outcome).toBe('succeeded');
        // The dry run proves the permission to create the customer gateway with a DryRun call.
        expect(answers).toContain('CreateCustomerGateway DryRunOperation');
        expect(
          answers.filter((a) => a.startsWith('Create') && !a.endsWith('DryRunOperation')),
        ).toEqual([]);
        expect(run.steps.find((s) => s.id === 'create-customer-gateway')!.detail).toContain(
          'DryRun: CreateCustomerGateway would succeed',
        );
        // Route propagation: proven with DryRun, not turned on.
        expect(answers).toContain('EnableVgwRoutePropagation DryRunOperation');
        expect(world.state.routeTables.get(analytics(world).routeTableId)!.propagatingVgws).toEqual(
          [],
        );
        // The hub VPC's missing route (the WireGuard pool): proven with DryRun, not created.
        expect(answers).toContain('CreateRoute DryRunOperation');
        expect(run.steps.find((s) => s.id === 'route-hub-vpc')!.detail).toMatch(
          /^DryRun: CreateRoute would succeed; would route rtb-\w+ 10\.250\.0\.0\/24 to hub-tokyo-a \(eni-\w+\)/,
        );
        expect(hubVpcRoutes(world)).not.toContain('10.250.0.0/24');
        expect(run.outcome).toMatch(
          /^Dry run: nothing was changed\. Would attach analytics .*: \d+ lines on the hub/,
        );
        const hubStep = run.steps.find((s) => s.id === 'configure-hub')!;
        expect(hubStep.detail).toMatch(
          /dry run: would add \d+ lines on hub-tokyo-a \(aws-analytics-tun1 on vti202, aws-analytics-tun2 on vti203\)/,
        );
        expect({
          lines: hubLines(world).join('\n'),
          vpn: world.state.vpnConnections.size,
          cgw: world.state.customerGateways.size,
        }).toEqual(before);
      }),
  );

  it(
    'a dry run without the permission to create the ' +
      'customer gateway fails and names the IAM action',
    () =>
      withBench({}, async (bench) => {
        const { world } = bench;
        const gateways = world.state.customerGateways.size;
        world.state.faults.inject({
          action: 'CreateCustomerGateway',
          code: 'UnauthorizedOperation',
        });
        const run = await bench.finish(await bench.submit(analytics(world).id, { dryRun: true }));
        expect(run.status).toBe('failed');
        expect(run.outcome).toContain('ec2:CreateCustomerGateway');
        // The refusal answered the DryRun call itself, and nothing was created.
        expect(world.state.faults.remaining).toBe(0);
        expect(world.state.customerGateways.size).toBe(gateways);
      }),
  );

  it(
    'when the tunnels never come up: removes the hub config, ' +
      'keeps the AWS objects and says so; a re-run reuses them',
    () =>
      withBench(
        // 5 s: the forced-down tunnel never comes up whatever the wait, while the other tunnel
        // of the first run, and both of the re-run, must come up within it on a loaded machine.
        { tunnelWait: { timeoutMs: 5000, firstPollMs: 20, maxPollMs: 100 } },
        async (bench) => {
          const { world } = bench;
          const vpc = analytics(world);
          const linesBefore = hubLines(world).join('\n');
          const hubRoutesBefore = hubVpcRoutes(world);
          const standbyBefore = world.router('hub-tokyo-b').record.readConfig().join('\n');
          world.setTunnelForced(HUB, 'aws-analytics-tun2', 'down');
          const run = await bench.finish(await bench.submit(vpc.id));
          expect(run.status).toBe('rolled-back');
          expect(run.steps.find((s) => s.id === 'await-tunnels')?.error).toMatch(
            /tunnels 1\/2 UP .*DOWN/,
          );
          // The outcome says what the undo kept, instead of claiming everything was undone.
          expect(run.outcome).toMatch(
            /undone; kept: customer gateway cgw-\w+ \(a re-run reuses it\); VPN connection vpn-\w+ \(a re-run reuses it; to drop it: aws ec2 delete-vpn-connection .*\)\./,
          );
          expect(run.outcome).not.toContain('is as it was before');
          expect(hubLines(world).join('\n')).toBe(linesBefore);
          // The hub VPC route this run created (the pool) is deleted again; the others stay.
          expect(run.steps.find((s) => s.id === 'route-hub-vpc')?.status).toBe('undone');
          expect(hubVpcRoutes(world)).toEqual(hubRoutesBefore);
          // The standby got the same tunnels in step 4, and lost them again in the undo.
          expect(world.router('hub-tokyo-b').record.readConfig().join('\n')).toBe(standbyBefore);
          const conns = [...world.state.vpnConnections.values()].filter(
            (c) => vpc.reach.kind === 'vgw' && c.vpnGatewayId === vpc.reach.vgwId,
          );
          expect(conns).toHaveLength(1);
          const notes = (await bench.engine.store.readEvents(run.id))
            .map((e) => e.event.text ?? '')
            .join('\n');
          expect(notes).toContain(`kept VPN connection ${conns[0]!.vpnConnectionId} in AWS`);
          expect(notes).toContain(
            'removed aws-analytics-tun1 (vti202) and aws-analytics-tun2 (vti203) from hub-tokyo-a',
          );
          expect(notes).toContain(
            'removed aws-analytics-tun1 (vti202) and ' +
              'aws-analytics-tun2 (vti203) from the standby hub-tokyo-b',
          );

          world.setTunnelForced(HUB, 'aws-analytics-tun2', 'up');
          const again = await bench.finish(await bench.submit(vpc.id));
          expect(again.status, again.outcome).toBe('succeeded');
          expect(again.steps.find((s) => s.id === 'create-vpn-connection')?.detail).toContain(
            `reusing ${conns[0]!.vpnConnectionId}`,
          );
          expect(
            [...world.state.vpnConnections.values()].filter(
              (c) => c.vpnGatewayId === conns[0]!.vpnGatewayId,
            ),
          ).toHaveLength(1);
        },
      ),
  );
});

describe.concurrent('attach-vpc through the composition root', () => {
  it(
    '/vpn attach-vpc from the slash command ' + 'runs the registered runbook with a worker',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flatnet-attach-rt-'));
      const world = await startWorld({ dir, bootMs: 100, tunnelUpMs: 100 });
      const prefix = uniquePrefix('attach-rt');
      let runtime: Runtime | undefined;
      try {
        runtime = await createRuntime({
          loaded: loadInventory(world.writeInventory()),
          redisUrl,
          prefix,
          logger: createLogger({ level: 'silent' }),
          worker: { concurrency: 2 },
        });
        const vpc = analytics(world);
        const reply = await handleSlashCommand(runtime.slash, {
          command: '/vpn',
          text: `attach-vpc ${vpc.id} --region ${REGION}`,
          user: 'U0ALICE',
          origin: { kind: 'cli', channel: 'C0NETOPS' },
        });
        if (reply.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(reply)}`);
        expect(reply.run.approval?.approvers).toContain('U0BOB');
        const run = await finishRun(runtime.engine, reply.run);
        expect(run.status, run.outcome).toBe('succeeded');
        expect(
          peerLines(hubLines(world)).filter((l) => l.includes('aws-analytics-tun')),
        ).toHaveLength(2);
      } finally {
        await runtime?.close();
        await world.close();
        await cleanUpTestWorld(prefix, dir);
      }
    },
  );
});

/** Every value stored under the prefix, whatever the key type, as one string to search. */
async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}
