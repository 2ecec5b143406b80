import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../util/redis-client.js';

/**
 * Where a run's Slack messages are, kept in Redis (`<prefix>:run:<id>:slack`), because the
 * run may resume in another worker and the approval click is handled by the bot process:
 * whoever reports next must edit the same messages, not post new ones.
 */
export interface ThreadRecord {
  /** The run's root message in the channel (the thread hangs off it). */
  root?: string;
  /** The checklist reply, edited in place. */
  checklist?: string;
  /** The approval prompt reply, edited once decided. */
  prompt?: string;
  /** The final summary reply: posted once, even if `finished` is reported twice. */
  summary?: string;
  /**
   * How many status detail replies are already posted (a resumed reporter continues from there).
   */
  details?: string;
}

export type ThreadField = keyof ThreadRecord;

/** Long enough for any run to finish and be looked at; short enough not to pile up. */
const RECORD_TTL_S = 30 * 24 * 3600;
/** A process that died while creating a thread blocks others this long at most. */
const CLAIM_TTL_MS = 15_000;

export interface ThreadStore {
  load(runId: string): Promise<ThreadRecord>;
  save(runId: string, fields: ThreadRecord): Promise<void>;
  /**
   * Run `create` while holding the run's thread-creation claim, so two processes never both post a
   * root.
   */
  withCreateClaim<T>(
    runId: string,
    isDone: (r: ThreadRecord) => boolean,
    create: (r: ThreadRecord) => Promise<T>,
  ): Promise<T | undefined>;
}

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) " +
  'else return 0 end';

export function createThreadStore(
  redis: RedisClient,
  prefix: string,
  sleep: (ms: number) => Promise<void>,
): ThreadStore {
  const key = (runId: string): string => `${prefix}:run:${runId}:slack`;

  async function load(runId: string): Promise<ThreadRecord> {
    const raw = await redis.hgetall(key(runId));
    const record: ThreadRecord = {};
    for (const field of ['root', 'checklist', 'prompt', 'summary', 'details'] as const) {
      if (raw[field]) record[field] = raw[field];
    }
    return record;
  }

  async function save(runId: string, fields: ThreadRecord): Promise<void> {
    const entries = Object.entries(fields).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    if (entries.length === 0) return;
    await redis
      .multi()
      .hset(key(runId), Object.fromEntries(entries))
      .expire(key(runId), RECORD_TTL_S)
      .exec();
  }

  async function withCreateClaim<T>(
    runId: string,
    isDone: (r: ThreadRecord) => boolean,
    create: (r: ThreadRecord) => Promise<T>,
  ): Promise<T | undefined> {
    const claimKey = `${key(runId)}:claim`;
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + CLAIM_TTL_MS * 2;
    for (;;) {
      const current = await load(runId);
      if (isDone(current)) return undefined;
      if ((await redis.set(claimKey, token, 'PX', CLAIM_TTL_MS, 'NX')) === 'OK') {
        try {
          // Re-read under the claim: the previous holder may have finished just now.
          const fresh = await load(runId);
          return isDone(fresh) ? undefined : await create(fresh);
        } finally {
          await redis.eval(RELEASE, 1, claimKey, token);
        }
      }
      // Someone else is posting the thread right now: wait for their timestamps.
      if (Date.now() > deadline)
        throw new Error(
          `gave up waiting for another process to create the Slack thread of ${runId}`,
        );
      await sleep(100);
    }
  }

  return { load, save, withCreateClaim };
}

/**
 * Which run an approval prompt belongs to, by where the prompt is (channel + message ts).
 * A click decides the run whose prompt was clicked: the button's `value` is only a claim,
 * checked against this index (a crafted or copied button cannot approve another run).
 */
export interface PromptIndex {
  record(runId: string, channel: string, ts: string): Promise<void>;
  runOf(channel: string, ts: string): Promise<string | undefined>;
}

export function createPromptIndex(redis: RedisClient, prefix: string): PromptIndex {
  const key = (channel: string, ts: string): string => `${prefix}:prompt:${channel}:${ts}`;
  return {
    async record(runId, channel, ts) {
      await redis.set(key(channel, ts), runId, 'EX', RECORD_TTL_S);
    },
    async runOf(channel, ts) {
      return (await redis.get(key(channel, ts))) ?? undefined;
    },
  };
}
