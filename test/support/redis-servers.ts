/**
 * Real Redis topologies for the HA tests (issue 17): each server is Debian's `redis-server` or
 * `redis-sentinel`, started by the test on a free loopback port in a temp dir, and stopped by
 * it. Only processes started here are ever signalled (by their own pid), and they die with the
 * test process however it ends (`spawnServer`).
 *
 * - `startRedisServer`: one server, with extra arguments (a replica: `--replicaof`).
 * - `startSentinelGroup`: a master, a replica and three sentinels watching it (quorum 2,
 *   `down-after-milliseconds` 2000: a dead master is replaced in about three seconds).
 * - `startRedisCluster` (redis-cluster.ts): masters joined with `redis-cli --cluster create`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findOnPath } from '../../src/demo/find-demo-redis.js';
import { freePort } from '../../src/demo/start-private-redis.js';
import type { RedisTarget } from '../../src/queue/redis-target.js';
import { waitFor } from '../../src/util/wait-for.js';

export function binary(name: string): string {
  const found = findOnPath(name);
  if (!found)
    throw new Error(
      `these tests start their own ${name}: install it ` +
        '(apt-get install redis-server redis-sentinel redis-tools, or run bash .ci/run)',
    );
  return found;
}

/** A short-lived connection that never retries: for probes and checks. */
export async function withRedis<T>(port: number, use: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

export interface RedisProcess {
  port: number;
  /** SIGKILL: the server dies with whatever it had not replicated. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (as systemd would). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that neither answers nor replicates for a while. */
  pause(): void;
  resume(): void;
  /** SIGTERM: a planned stop; the server writes its append-only file and exits. */
  shutdown(): Promise<void>;
  /** Gone for good (SIGKILL), no longer killed at exit. */
  stop(): Promise<void>;
  /** The server's pid now (a restart changes it). */
  pid(): number | undefined;
}

async function answers(port: number): Promise<boolean> {
  try {
    return await withRedis(port, async (r) => (await r.ping()) === 'PONG');
  } catch {
    return false;
  }
}

/**
 * Started through util-linux's `setpriv --pdeathsig KILL`, which execs the server (same pid)
 * with the kernel's parent-death signal set (prctl PR_SET_PDEATHSIG, Linux): however the test
 * process ends — a hook timed out and the worker was killed, SIGTERM, SIGKILL, a crash — its
 * servers die with it. The `exit` handler below covers a normal exit where setpriv is absent.
 */
function spawnServer(bin: string, args: string[]): ChildProcess {
  const setpriv = findOnPath('setpriv');
  return setpriv
    ? spawn(setpriv, ['--pdeathsig', 'KILL', bin, ...args], { stdio: 'ignore' })
    : spawn(bin, args, { stdio: 'ignore' });
}

/**
 * A killed server's fork (an append-only rewrite, a replica's sync) may still be writing its
 * temp file for a moment: retry the removal instead of failing the teardown on ENOTEMPTY.
 */
export function removeServerDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
}

function startProcess(
  bin: string,
  args: string[],
  port: number,
  logfile: string,
): { child: ChildProcess; ready: Promise<unknown> } {
  const child = spawnServer(bin, args);
  const lastLines = () =>
    existsSync(logfile)
      ? readFileSync(logfile, 'utf8').trim().split('\n').slice(-3).join(' | ')
      : '';
  const ready = waitFor(async () => child.exitCode === null && (await answers(port)), {
    what: `${bin} on port ${port} to answer`,
    timeoutMs: 10_000,
    intervalMs: 50,
    giveUp: () =>
      child.exitCode !== null ? `${bin} exited with ${child.exitCode}: ${lastLines()}` : undefined,
  });
  return { child, ready };
}

async function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** One redis-server (or redis-sentinel with `sentinel: true` and a config file). */
export async function startRedisServer(
  dir: string,
  options: { args?: string[]; sentinelConfig?: string; port?: number } = {},
): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const home = join(dir, String(port));
  mkdirSync(home, { recursive: true });
  const logfile = join(home, 'redis.log');
  let argv: string[];
  let bin: string;
  if (options.sentinelConfig !== undefined) {
    const file = join(home, 'sentinel.conf');
    writeFileSync(
      file,
      `port ${port}\nbind 127.0.0.1\ndir ${home}\nlogfile ${logfile}\n${options.sentinelConfig}`,
    );
    bin = binary('redis-sentinel');
    argv = [file];
  } else {
    bin = binary('redis-server');
    argv = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      home,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      // A replica (re)attaching gets its full sync at once, not after Redis 7's default 5 s
      // wait for more replicas: a WAIT it must answer is not held for that long.
      '--repl-diskless-sync-delay',
      '0',
      '--logfile',
      logfile,
      ...(options.args ?? []),
    ];
  }
  let current = startProcess(bin, argv, port, logfile);
  await current.ready;
  const killOnExit = (): void => void current.child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    port,
    kill: () => killChild(current.child, 'SIGKILL'),
    async restart() {
      await killChild(current.child, 'SIGKILL');
      current = startProcess(bin, argv, port, logfile);
      await current.ready;
    },
    shutdown: () => killChild(current.child, 'SIGTERM'),
    pid: () => current.child.pid,
    pause: () => void current.child.kill('SIGSTOP'),
    resume: () => void current.child.kill('SIGCONT'),
    async stop() {
      process.off('exit', killOnExit);
      current.child.kill('SIGCONT');
      await killChild(current.child, 'SIGKILL');
    },
  };
}

export interface SentinelGroup {
  name: string;
  target: Extract<RedisTarget, { mode: 'sentinel' }>;
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  /** The server the sentinels name as master now. */
  master(): Promise<RedisProcess>;
  /** Waits until the sentinels name a master other than `old`, and returns it. */
  newMasterAfter(old: RedisProcess): Promise<RedisProcess>;
  /** Waits until every other server replicates the master, link up. */
  replicasInSync(): Promise<void>;
  close(): Promise<void>;
}

export async function startSentinelGroup(label: string): Promise<SentinelGroup> {
  const dir = mkdtempSync(join(tmpdir(), `flatnet-${label}-`));
  const name = 'flatnet-ha';
  const master = await startRedisServer(dir);
  const replica = await startRedisServer(dir, {
    args: ['--replicaof', '127.0.0.1', String(master.port)],
  });
  const servers = [master, replica];
  const sentinels: RedisProcess[] = [];
  for (let i = 0; i < 3; i++)
    sentinels.push(
      await startRedisServer(dir, {
        sentinelConfig:
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 2\n` +
          // Not 1000: a sentinel pings every min(down-after, 1 s) and counts a fresh link as
          // unanswered from its creation (sentinel.c, sentinelSendPeriodicCommands and
          // createInstanceLink), so at 1000 the master it has just switched to can be judged
          // down before its first PONG. Seen here: all three agreed, and failed back over to
          // the old master restarted a second earlier with its stale data.
          `sentinel down-after-milliseconds ${name} 2000\n` +
          `sentinel failover-timeout ${name} 10000\n` +
          `sentinel parallel-syncs ${name} 1\n`,
      }),
    );
  const masterPort = async (): Promise<number | undefined> => {
    for (const s of sentinels) {
      try {
        const addr = await withRedis(s.port, (r) =>
          r.call('SENTINEL', 'get-master-addr-by-name', name),
        );
        if (Array.isArray(addr)) return Number(addr[1]);
      } catch {
        // that sentinel is busy or down: ask the next
      }
    }
    return undefined;
  };
  const byPort = (port: number | undefined): RedisProcess | undefined =>
    servers.find((s) => s.port === port);
  const group: SentinelGroup = {
    name,
    target: {
      mode: 'sentinel',
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name,
      tls: false,
    },
    servers,
    sentinels,
    async master() {
      const found = byPort(await masterPort());
      if (!found) throw new Error('the sentinels name no master of this group');
      return found;
    },
    newMasterAfter: (old) =>
      waitFor(
        async () => {
          const now = byPort(await masterPort());
          if (!now || now === old) return undefined;
          const role = await withRedis(now.port, (r) => r.call('ROLE')).catch(() => undefined);
          return Array.isArray(role) && role[0] === 'master' ? now : undefined;
        },
        { what: 'the sentinels to promote a new master', timeoutMs: 30_000, intervalMs: 100 },
      ),
    async replicasInSync() {
      // Each look asks the sentinels for the master again and throws what is not yet true, so
      // a timeout names it (a master changed under the wait is followed). Sentinel turns a
      // restarted old master into a replica only after it has reported its role for 8 s
      // (SENTINEL_PUBLISH_PERIOD * 4 in sentinel.c), and a loaded machine can put a sentinel
      // in TILT mode for 30 s: the wait is generous, and says which of the two it was.
      await waitFor(
        async () => {
          const lead = await group.master();
          for (const s of servers) {
            if (s === lead) continue;
            const info = await withRedis(s.port, (r) => r.info('replication'));
            if (!info.includes(`master_port:${lead.port}`))
              throw new Error(`server ${s.port} does not replicate the master ${lead.port} yet`);
            if (!info.includes('master_link_status:up'))
              throw new Error(`server ${s.port}'s link to the master ${lead.port} is not up`);
          }
          // Every sentinel knows the others and the replica: ready to fail over again.
          for (const s of sentinels) {
            const seen = (await withRedis(s.port, (r) =>
              r.call('SENTINEL', 'master', name),
            )) as string[];
            const field = (k: string) => seen[seen.indexOf(k) + 1];
            const tilt = (await withRedis(s.port, (r) => r.info('sentinel'))).includes(
              'sentinel_tilt:1',
            );
            const state =
              `sentinel ${s.port}: other sentinels ${field('num-other-sentinels')}, ` +
              `replicas ${field('num-slaves')}, flags ${field('flags')}${tilt ? ', in TILT' : ''}`;
            if (field('num-other-sentinels') !== '2' || field('num-slaves') === '0')
              throw new Error(state);
            if (String(field('flags')) !== 'master') throw new Error(state);
          }
          return true;
        },
        { what: 'the replicas and sentinels to be in sync', timeoutMs: 60_000, intervalMs: 100 },
      );
    },
    async close() {
      for (const p of [...sentinels, ...servers]) await p.stop();
      removeServerDir(dir);
    },
  };
  await group.replicasInSync();
  return group;
}
