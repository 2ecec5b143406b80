import { isCluster, type RedisClient } from '../util/redis-client.js';
import { FlatnetError } from '../errors.js';
import { findSecretField } from './find-secret-field.js';
import { runScript } from './lua-scripts.js';
import {
  FINAL_STATUSES,
  type Decision,
  type Run,
  type RunEvent,
  type RunKind,
  type RunStatus,
} from './types.js';

/**
 * Run records in Redis. One hash per run:
 *   doc        the whole record as JSON (as last saved by the engine)
 *   status     the live status: the approval, expiry and cancel scripts change it atomically
 *   decisions  JSON array of decisions, written only by the approval script
 *   updatedAt  ms
 *   rootTs     the thread's root message, written only by attachThread
 * The separate fields win over `doc` when read, so a whole-record save never undoes a click.
 *
 * Records never contain secrets: step results are facts for later steps and for the history,
 * shown to anyone. `save` refuses a record with an obvious secret field (a safety net).
 *
 * Retention (docs/live-state.md, "Run retention"): a run that reaches a final state keeps its
 * hash and its event stream for the retention window, then Redis expires them (PEXPIRE, set
 * by the transition that finished it). The audit stream is trimmed to the same window, and an
 * index entry leaves with its record, so `/router history` and the audit cover the same runs.
 * A run still open (planning, awaiting approval, running) never expires.
 */
export interface RunStoreKeys {
  run(id: string): string;
  events(id: string): string;
  audit: string;
  all: string;
  byTarget(target: string): string;
  byKind(kind: RunKind): string;
}

export function runStoreKeys(prefix: string): RunStoreKeys {
  return {
    run: (id) => `${prefix}:run:${id}`,
    events: (id) => `${prefix}:run:${id}:events`,
    audit: `${prefix}:audit`,
    all: `${prefix}:runs`,
    byTarget: (target) => `${prefix}:runs:target:${target}`,
    byKind: (kind) => `${prefix}:runs:kind:${kind}`,
  };
}

/**
 * How long a finished run stays in Redis when the inventory does not say (history.retentionDays).
 */
export const DEFAULT_RUN_RETENTION_MS = 90 * 24 * 3_600_000;

/** Index entries looked at per new run when pruning: bounded work, however old the indexes. */
const PRUNE_BATCH = 20;

const finalList = FINAL_STATUSES.join(',');

export type SaveResult =
  { ok: true } | { ok: false; reason: 'missing' | 'not-owner' | 'closed'; status?: RunStatus };

export interface TailedEvent {
  id: string;
  event: RunEvent;
}

export class RunStore {
  readonly keys: RunStoreKeys;
  private blocking: RedisClient | undefined;

  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
    /** Read at each transition, so a reloaded inventory's retention applies to the next runs. */
    readonly retentionMs: () => number = () => DEFAULT_RUN_RETENTION_MS,
  ) {
    this.keys = runStoreKeys(prefix);
  }

  /** Creates the record and its `created` event atomically; false when the id is taken. */
  async create(run: Run, created: RunEvent): Promise<boolean> {
    assertNoSecrets(run);
    const k = this.keys;
    const result = await runScript(
      this.redis,
      'create-run',
      [k.run(run.id), k.events(run.id), k.audit, k.all, k.byTarget(run.target), k.byKind(run.kind)],
      [
        JSON.stringify(run),
        run.status,
        run.createdAt,
        run.id,
        JSON.stringify(created),
        run.kind,
        run.target,
        this.retentionMs(),
        k.run(''),
        PRUNE_BATCH,
      ],
    );
    return result === 1;
  }

  async get(id: string): Promise<Run | undefined> {
    const [doc, status, decisions, updatedAt, rootTs] = await this.redis.hmget(
      this.keys.run(id),
      'doc',
      'status',
      'decisions',
      'updatedAt',
      'rootTs',
    );
    return mergeRecord(doc, status, decisions, updatedAt, rootTs);
  }

  /**
   * Saves the whole record (status, steps, cursor, outcome) and appends the events that say
   * what changed, in one script (lua/save-run.lua): a crash leaves both or neither. With a
   * fence, only while the worker's BullMQ lock still holds its token: a stale worker cannot
   * move a run backwards. A run already in a final state keeps it (a cancel or an expiry wins
   * over a late save). A save that makes the run final frees `lease` and `alsoLeased` (the
   * other routers it holds) where this run holds them.
   */
  async save(
    run: Run,
    events: RunEvent[],
    options: {
      fence?: { lockKey: string; token: string } | undefined;
      lease?: string | undefined;
      alsoLeased?: readonly string[] | undefined;
    } = {},
  ): Promise<SaveResult> {
    assertNoSecrets(run);
    const key = this.keys.run(run.id);
    const { fence, lease, alsoLeased = [] } = options;
    const result = await runScript(
      this.redis,
      'save-run',
      [
        key,
        fence?.lockKey ?? key,
        this.keys.events(run.id),
        this.keys.audit,
        lease ? this.leaseKey(lease) : key,
        ...alsoLeased.map((t) => this.leaseKey(t)),
      ],
      [
        JSON.stringify(run),
        run.status,
        run.updatedAt,
        fence?.token ?? '',
        finalList,
        this.retentionMs(),
        JSON.stringify(events.map((e) => JSON.stringify(e))),
        run.kind,
        run.target,
        run.id,
      ],
    );
    if (result === 'ok') return { ok: true };
    const text = String(result);
    if (text.startsWith('closed:'))
      return { ok: false, reason: 'closed', status: text.slice(7) as RunStatus };
    return { ok: false, reason: text === 'missing' ? 'missing' : 'not-owner' };
  }

  /** The key of a target's lease (TargetLock's), which a final save releases. */
  leaseKey(target: string): string {
    return `${this.prefix}:lock:${target}`;
  }

  /** Records the thread's root message once the reporter posted it. */
  async attachThread(id: string, rootTs: string): Promise<void> {
    if ((await this.redis.exists(this.keys.run(id))) === 1)
      await this.redis.hset(this.keys.run(id), 'rootTs', rootTs);
  }

  /** Newest first. Filters by target and/or kind; reads the most selective index. */
  async list(options: { target?: string; kind?: RunKind; limit: number }): Promise<Run[]> {
    const k = this.keys;
    const index =
      options.target !== undefined
        ? k.byTarget(options.target)
        : options.kind !== undefined
          ? k.byKind(options.kind)
          : k.all;
    const out: Run[] = [];
    const page = Math.max(options.limit, 20);
    for (let start = 0; out.length < options.limit; start += page) {
      const ids = await this.redis.zrevrange(index, start, start + page - 1);
      if (ids.length === 0) break;
      const pipeline = this.redis.pipeline();
      for (const id of ids)
        pipeline.hmget(k.run(id), 'doc', 'status', 'decisions', 'updatedAt', 'rootTs');
      const rows = (await pipeline.exec()) ?? [];
      for (const [err, fields] of rows) {
        if (err) throw err;
        const [doc, status, decisions, updatedAt, rootTs] = fields as Array<string | null>;
        const run = mergeRecord(doc, status, decisions, updatedAt, rootTs);
        if (!run) continue;
        if (options.kind !== undefined && run.kind !== options.kind) continue;
        out.push(run);
        if (out.length >= options.limit) break;
      }
    }
    return out;
  }

  /**
   * Appends an event that changes nothing in the record (a note, "started") to the run's
   * stream and the audit stream (lua/append-event.lua).
   */
  async appendEvent(run: Run, event: RunEvent): Promise<void> {
    await runScript(
      this.redis,
      'append-event',
      [this.keys.events(run.id), this.keys.audit],
      [JSON.stringify(event), run.kind, run.target, run.status, this.retentionMs()],
    );
  }

  /** Every event of a run so far, oldest first. */
  async readEvents(runId: string): Promise<TailedEvent[]> {
    const entries = await this.redis.xrange(this.keys.events(runId), '-', '+');
    return entries.map(([id, fields]) => ({ id, event: parseEvent(fields) }));
  }

  /**
   * Events after `fromId` (`0` for all, `$` for only new ones), waiting up to `blockMs` for
   * the first (0: do not wait). Another process (`flatnet run`) tails a run this way. Uses a
   * connection of its own, because a blocking read holds its connection.
   */
  async tailEvents(
    runId: string,
    fromId: string,
    blockMs: number,
  ): Promise<{ events: TailedEvent[]; lastId: string }> {
    // A blocking read on a producer connection (enableOfflineQueue: false) would fail while the
    // duplicate is still connecting: the tail gets its own patient connection.
    const patient = { enableOfflineQueue: true, maxRetriesPerRequest: null };
    this.blocking ??= isCluster(this.redis)
      ? this.redis.duplicate(undefined, {
          enableOfflineQueue: true,
          redisOptions: { ...this.redis.options.redisOptions, ...patient },
        })
      : this.redis.duplicate(patient);
    const key = this.keys.events(runId);
    const reply =
      blockMs > 0
        ? await this.blocking.xread('COUNT', 500, 'BLOCK', blockMs, 'STREAMS', key, fromId)
        : await this.blocking.xread('COUNT', 500, 'STREAMS', key, fromId);
    const entries = reply?.[0]?.[1] ?? [];
    const events = entries.map(([id, fields]) => ({ id, event: parseEvent(fields) }));
    return { events, lastId: events.at(-1)?.id ?? fromId };
  }

  /** The audit trail, newest first: one flat entry per transition. */
  async readAudit(count: number): Promise<Array<Record<string, string>>> {
    const entries = await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', count);
    return entries.map(([id, fields]) => {
      const entry: Record<string, string> = { id };
      for (let i = 0; i + 1 < fields.length; i += 2)
        entry[fields[i] as string] = fields[i + 1] as string;
      return entry;
    });
  }

  async close(): Promise<void> {
    if (this.blocking) this.blocking.disconnect();
    this.blocking = undefined;
  }
}

export function assertNoSecrets(run: Run): void {
  const field = findSecretField(run);
  if (field) {
    throw new FlatnetError(
      'INTERNAL',
      `refusing to store run ${run.id}: ${field} looks like a secret`,
      'run records are kept and shown in /router history; return a ' +
        'fingerprint or a public key from the step instead of the secret',
    );
  }
}

function mergeRecord(
  doc: string | null | undefined,
  status: string | null | undefined,
  decisions: string | null | undefined,
  updatedAt: string | null | undefined,
  rootTs: string | null | undefined,
): Run | undefined {
  if (!doc) return undefined;
  const run = JSON.parse(doc) as Run;
  if (status) run.status = status as RunStatus;
  if (decisions) run.decisions = JSON.parse(decisions) as Decision[];
  if (updatedAt) run.updatedAt = Number(updatedAt);
  if (rootTs) run.origin = { ...run.origin, rootTs };
  return run;
}

function parseEvent(fields: string[]): RunEvent {
  const at = fields.indexOf('event');
  return JSON.parse(fields[at + 1] ?? '{}') as RunEvent;
}
