/**
 * Issue 17 §2: on a Redis Cluster a script may only touch keys of one slot. Every run change
 * flatnet makes is a Lua script (approval decision, expiry, cancel, target lease, the run's
 * save and events, the WireGuard pool), and BullMQ's are too. This test drives each of them
 * for real on a private redis-server under a hash-tagged prefix, watches every command with
 * MONITOR, asks Redis which arguments are keys (`COMMAND GETKEYS`), and proves that each
 * script, each transaction and each multi-key command stays in one slot: the prefix's.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPool } from '../../src/onboarding/address-pool.js';
import { luaSource } from '../../src/runbook/lua-scripts.js';
import { clusterSlot } from '../../src/util/cluster-slot.js';
import { waitFor } from '../../src/util/wait-for.js';
import { removeServerDir, startRedisServer, type RedisProcess } from '../support/redis-servers.js';
import {
  approvalBy,
  createWorld,
  submitInput,
  toyRunbook,
  waitForStatus,
  type World,
} from './runbook-harness.js';

const RUN_LUA = new URL('../../src/runbook/lua/', import.meta.url);
const POOL_LUA = new URL('../../src/onboarding/lua/', import.meta.url);
const SCRIPTS: Array<[URL, string]> = [
  ...[
    'create-run',
    'save-run',
    'append-event',
    'decide-approval',
    'expire-approval',
    'cancel-run',
    'acquire-target-lock',
    'renew-target-lock',
  ].map((n): [URL, string] => [RUN_LUA, n]),
  ...['lease-pool-address', 'apply-pool-address', 'release-pool-lease', 'release-pool-address'].map(
    (n): [URL, string] => [POOL_LUA, n],
  ),
];
const nameOfSha = new Map(
  SCRIPTS.map(([dir, name]) => [
    createHash('sha1').update(luaSource(dir, name)).digest('hex'),
    name,
  ]),
);

/** MONITOR shows arguments as Redis quotes them (sdscatrepr: `\n`, `\"`, a byte as `\xHH`). */
function unquote(text: string): string {
  const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_m, c: string) =>
    c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (named[c] ?? c),
  );
}

interface Seen {
  what: string;
  keys: string[];
}

describe('every key of a script, a transaction or a command shares its slot', () => {
  let dir: string;
  let server: RedisProcess;
  let monitor: Redis;
  let keyReader: Redis;
  let world: World;
  const commands: Array<{ source: string; args: string[] }> = [];
  const prefix = `{flatnet-slots-${process.pid}}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-slots-'));
    server = await startRedisServer(dir);
    monitor = new Redis(server.port, '127.0.0.1');
    const watching = await monitor.monitor();
    watching.on('monitor', (_time: string, args: string[], source: string) =>
      commands.push({ source, args: args.map(String) }),
    );
    keyReader = new Redis(server.port, '127.0.0.1');
    const connect = () => new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: null });
    world = createWorld({ connect, prefix });
  });
  afterAll(async () => {
    await world?.cleanup();
    monitor?.disconnect();
    keyReader?.disconnect();
    await server?.stop();
    removeServerDir(dir);
  });

  /** Every command (and every MULTI … EXEC block) seen, with the keys Redis says it names. */
  async function keyedCommands(): Promise<Seen[]> {
    const seen: Seen[] = [];
    const transactions = new Map<string, Seen>();
    // Stop watching first: the GETKEYS questions below would be watched too.
    monitor.disconnect();
    const keysOf = new Map<string, string[] | undefined>();
    for (const { source, args } of commands.slice()) {
      const [name = '', ...rest] = args;
      const command = name.toLowerCase();
      if (command === 'multi') {
        transactions.set(source, { what: 'MULTI', keys: [] });
        continue;
      }
      if (command === 'exec') {
        const block = transactions.get(source);
        if (block) seen.push(block);
        transactions.delete(source);
        continue;
      }
      const asked = JSON.stringify(args);
      if (!keysOf.has(asked))
        keysOf.set(
          asked,
          await keyReader.call('COMMAND', 'GETKEYS', name, ...rest).then(
            (keys) => (keys as string[]).map(String),
            () => undefined, // a command without keys (PING, CLIENT, INFO, WAIT …)
          ),
        );
      const keys = keysOf.get(asked);
      if (!keys) continue;
      // ioredis sends EVALSHA, and the source (EVAL) once when Redis does not know it yet.
      const sha =
        command === 'eval'
          ? createHash('sha1')
              .update(Buffer.from(unquote(rest[0] ?? ''), 'latin1'))
              .digest('hex')
          : rest[0];
      const what = ['evalsha', 'eval'].includes(command)
        ? (nameOfSha.get(sha ?? '') ?? 'a BullMQ script')
        : name.toUpperCase();
      seen.push({ what, keys });
      transactions.get(source)?.keys.push(...keys);
    }
    return seen;
  }

  it('for each script flatnet runs, and for BullMQ', async () => {
    const engine = world.engine(toyRunbook([{ id: 'facts', phase: 'plan' }, { id: 'a' }]));
    world.startWorker(engine);
    // Approved, run to the end (lease acquired, renewed before the act, freed by the last save).
    const approved = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, approved.id, ['awaiting-approval']);
    await engine.decide(approved.id, 'U2', 'approve');
    expect((await waitForStatus(engine, approved.id, ['succeeded'])).status).toBe('succeeded');
    // Rejected, cancelled, expired.
    const rejected = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, rejected.id, ['awaiting-approval']);
    await engine.decide(rejected.id, 'U2', 'reject');
    const cancelled = await engine.submit(submitInput({ approval: approvalBy(['U2']) }));
    await waitForStatus(engine, cancelled.id, ['awaiting-approval']);
    await engine.cancel(cancelled.id, 'U1');
    const expiring = await engine.submit(submitInput({ approval: approvalBy(['U2'], 1, 300) }));
    await waitForStatus(engine, expiring.id, ['expired']);
    // The WireGuard pool.
    const pool = new AddressPool(world.redis, prefix);
    const ref = { router: 'hub-tokyo-a', iface: 'wg0', pool: '10.250.0.0/29' };
    const none = { peerPrefixes: [], interfaceAddresses: ['10.250.0.1/29'] };
    const ip = await pool.lease(ref, 'r-aaaaaa', none);
    await pool.markApplied(ref, 'r-aaaaaa', 'alice');
    await pool.lease(ref, 'r-bbbbbb', none);
    await pool.release(ref, 'r-bbbbbb');
    await pool.releaseAddress(ref, ip);

    // MONITOR reports after the fact: a last marker, and every command before it is in.
    await keyReader.echo('flatnet-slots-end');
    await waitFor(
      () =>
        commands.some(
          (c) => c.args[0]?.toLowerCase() === 'echo' && c.args[1] === 'flatnet-slots-end',
        ),
      { what: 'MONITOR to report the last command', timeoutMs: 10_000 },
    );
    const seen = await keyedCommands();
    const slot = clusterSlot(prefix);
    const ran = new Set(seen.map((s) => s.what));
    for (const [, name] of SCRIPTS) expect(ran, `script ${name} was not driven`).toContain(name);
    expect(ran).toContain('a BullMQ script');
    const strays = seen.flatMap((s) =>
      s.keys
        .filter((k) => !k.startsWith(`${prefix}:`) || clusterSlot(k) !== slot)
        .map((k) => `${s.what}: ${k}`),
    );
    expect(strays).toEqual([]);
  });
});
