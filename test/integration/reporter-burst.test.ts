/**
 * The thread reporter holds back the threads of runs created in a burst (so the slash
 * commands that created them are acknowledged first), on real Redis.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { Run, RunEvent } from '../../src/runbook/types.js';
import type { ChatMessage, ChatPort } from '../../src/slack/chat-port.js';
import { createThreadReporter, type ThreadReporter } from '../../src/slack/thread-reporter.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { buildRun } from '../support/build-run.js';

class PostLog implements ChatPort {
  posts: { channel: string; threadTs?: string; text: string; ts: string }[] = [];
  async postMessage(m: ChatMessage): Promise<{ ts: string }> {
    const ts = `1700000000.${String(this.posts.length + 1).padStart(6, '0')}`;
    this.posts.push({ channel: m.channel, threadTs: m.threadTs, text: m.text, ts });
    return { ts };
  }
  async updateMessage(): Promise<void> {}
  async postEphemeral(): Promise<void> {}
  async sendDirect(): Promise<{ channel: string; ts: string }> {
    return { channel: 'D1', ts: '1' };
  }
  async uploadDirectFile(): Promise<void> {}
}

function run(id: string, kind: Run['kind'] = 'status'): Run {
  return buildRun({
    id,
    kind,
    target: '*',
    steps: [{ id: 'collect', title: 'Collect', status: 'pending' }],
  });
}

const ev = (r: Run, type: RunEvent['type']): RunEvent => ({ type, runId: r.id, at: 0 });

let redis: Redis;
let prefix: string;
let reporter: ThreadReporter | undefined;

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  await reporter?.close();
  reporter = undefined;
  await dropPrefix(redis, prefix);
});

describe('thread reporter in a burst of new runs', () => {
  it('posts no root of a held run until it is released, then every root once', async () => {
    prefix = uniquePrefix('burst');
    const chat = new PostLog();
    // A burst that would never go quiet on its own: only flush() (or the cap) releases it.
    reporter = createThreadReporter({
      chat,
      redis,
      prefix,
      logger: createLogger({ level: 'silent' }),
      createdBurst: { quietMs: 60_000, maxDelayMs: 60_000, concurrency: 2 },
    });
    const runs = Array.from({ length: 5 }, (_, i) => run(`r-burst${i}`));
    for (const r of runs) await reporter.onEvent(r, ev(r, 'created'));
    // Flushing one run starts its thread only: the other four stay held.
    await reporter.flush('r-burst0');
    expect(chat.posts).toHaveLength(1);
    expect(await redis.hget(`${prefix}:run:r-burst1:slack`, 'root')).toBeNull();
    await reporter.flush();
    expect(chat.posts.map((p) => p.channel)).toEqual(Array(5).fill('C0OPS'));
    expect(chat.posts.every((p) => p.threadTs === undefined)).toBe(true);
    for (const r of runs)
      expect(await redis.hget(`${prefix}:run:${r.id}:slack`, 'root')).toMatch(/^1700000000\./);
  });

  it('a later event of a held run starts its thread first instead of overtaking it', async () => {
    prefix = uniquePrefix('burst');
    const chat = new PostLog();
    reporter = createThreadReporter({
      chat,
      redis,
      prefix,
      logger: createLogger({ level: 'silent' }),
      createdBurst: { quietMs: 60_000, maxDelayMs: 60_000, concurrency: 2 },
    });
    const r = run('r-burstx', 'scaleup');
    await reporter.onEvent(r, ev(r, 'created'));
    await reporter.onEvent({ ...r, status: 'running' }, ev(r, 'started'));
    await reporter.flush(r.id);
    const [root, checklist, ...rest] = chat.posts;
    expect(rest).toEqual([]);
    expect(root?.threadTs).toBeUndefined();
    expect(checklist?.threadTs).toBe(root?.ts);
  });

  it('close() starts held threads instead of dropping them', async () => {
    prefix = uniquePrefix('burst');
    const chat = new PostLog();
    const held = createThreadReporter({
      chat,
      redis,
      prefix,
      logger: createLogger({ level: 'silent' }),
      createdBurst: { quietMs: 60_000, maxDelayMs: 60_000, concurrency: 2 },
    });
    const r = run('r-bursty');
    await held.onEvent(r, ev(r, 'created'));
    await held.close();
    expect(chat.posts).toHaveLength(1);
  });
});
