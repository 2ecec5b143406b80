/**
 * A real Redis Cluster for the HA tests: Debian's `redis-server` in cluster mode on free
 * loopback ports (redis-servers.ts starts and reaps each), joined with `redis-cli --cluster
 * create`. Three masters, each with one replica when asked: then a master can be killed and
 * its replica promoted, as the cluster does by itself (cluster-spec, "Replica election and
 * promotion": a master unreachable for `cluster-node-timeout` is flagged FAIL by the majority
 * of masters, and its replica wins an election and takes its slots).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/demo/start-private-redis.js';
import type { RedisTarget } from '../../src/queue/redis-target.js';
import { clusterSlot } from '../../src/util/cluster-slot.js';
import { waitFor } from '../../src/util/wait-for.js';
import {
  binary,
  removeServerDir,
  startRedisServer,
  withRedis,
  type RedisProcess,
} from './redis-servers.js';

const run = promisify(execFile);

/** 1 s: a dead master is flagged and replaced in a few seconds (the default is 15 s). */
const NODE_TIMEOUT_MS = 1_000;
/** Conditions are awaited, never timed; this only bounds a cluster that never gets there. */
const GUARD_MS = 60_000;

export interface RedisClusterUnderTest {
  target: Extract<RedisTarget, { mode: 'cluster' }>;
  /** Every server, masters and replicas (roles change as masters are killed). */
  servers: RedisProcess[];
  /** The server that is master of `key`'s slot now, as the cluster says. */
  masterOf(key: string): Promise<RedisProcess>;
  /**
   * SIGKILL for the master of `key`'s slot; resolves once its replica took the slot and the
   * cluster is ok again, and the killed one is back (restarted) as a replica in sync.
   */
  killMasterOf(key: string): Promise<{ killed: RedisProcess; promoted: RedisProcess }>;
  close(): Promise<void>;
}

/** `CLUSTER SLOTS`: the port of the master serving `slot`, as `node` sees it. */
async function masterPortOf(node: RedisProcess, slot: number): Promise<number | undefined> {
  const ranges = (await withRedis(node.port, (r) => r.call('CLUSTER', 'SLOTS'))) as [
    number,
    number,
    [string, number, ...unknown[]],
    ...unknown[],
  ][];
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  return range ? Number(range[2][1]) : undefined;
}

const info = (node: RedisProcess, section: 'cluster' | 'replication'): Promise<string> =>
  withRedis(node.port, (r) =>
    section === 'cluster' ? r.call('CLUSTER', 'INFO').then(String) : r.info('replication'),
  ).catch(() => '');

/** Every given node says the cluster is ok, and every replica's link to its master is up. */
async function settled(nodes: RedisProcess[]): Promise<boolean> {
  for (const node of nodes) {
    if (!(await info(node, 'cluster')).includes('cluster_state:ok')) return false;
    const replication = await info(node, 'replication');
    if (replication.includes('role:slave') && !replication.includes('master_link_status:up'))
      return false;
  }
  return true;
}

export async function startRedisCluster(
  label: string,
  options: { replicasPerMaster?: 0 | 1 } = {},
): Promise<RedisClusterUnderTest> {
  const replicas = options.replicasPerMaster ?? 0;
  const dir = mkdtempSync(join(tmpdir(), `flatnet-${label}-`));
  const servers: RedisProcess[] = [];
  for (let i = 0; i < 3 * (1 + replicas); i++) {
    const port = await freePort();
    servers.push(
      await startRedisServer(dir, {
        port,
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          String(NODE_TIMEOUT_MS),
          // The bus on a free port of its own (Redis 7), not port + 10000, which may be taken.
          '--cluster-port',
          String(await freePort()),
        ],
      }),
    );
  }
  // The first three become masters, the next three their replicas (redis-cli's order).
  await run(binary('redis-cli'), [
    '--cluster',
    'create',
    ...servers.map((m) => `127.0.0.1:${m.port}`),
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  ]);
  const wait = <T>(what: string, check: () => Promise<T | undefined | false>) =>
    waitFor(check, { what, timeoutMs: GUARD_MS, intervalMs: 100 });
  const live = new Set(servers);
  await wait('the cluster to be ok on every node', () => settled(servers));

  const cluster: RedisClusterUnderTest = {
    target: {
      mode: 'cluster',
      nodes: servers.map((m) => ({ host: '127.0.0.1', port: m.port })),
      tls: false,
    },
    servers,
    async masterOf(key) {
      const slot = clusterSlot(key);
      return wait(`a master for slot ${slot}`, async () => {
        for (const node of live) {
          const port = await masterPortOf(node, slot).catch(() => undefined);
          const found = servers.find((s) => s.port === port);
          if (found && live.has(found)) return found;
        }
        return undefined;
      });
    },
    async killMasterOf(key) {
      const slot = clusterSlot(key);
      const killed = await cluster.masterOf(key);
      await killed.kill();
      live.delete(killed);
      const others = [...live];
      const promoted = await wait(`a replica to take slot ${slot}`, async () => {
        const port = await masterPortOf(others[0]!, slot).catch(() => undefined);
        const found = others.find((s) => s.port === port);
        if (!found) return undefined;
        const role = await withRedis(found.port, (r) => r.call('ROLE')).catch(() => undefined);
        return Array.isArray(role) && role[0] === 'master' ? found : undefined;
      });
      await wait('the cluster to be ok without the killed master', () => settled(others));
      // Back as systemd would bring it: its nodes file says it lost the slots; it replicates.
      await killed.restart();
      live.add(killed);
      await wait('the killed master to be back as a replica in sync', async () => {
        const role = await withRedis(killed.port, (r) => r.call('ROLE')).catch(() => undefined);
        return Array.isArray(role) && role[0] === 'slave' && (await settled(servers));
      });
      return { killed, promoted };
    },
    async close() {
      for (const s of servers) await s.stop();
      removeServerDir(dir);
    },
  };
  return cluster;
}
