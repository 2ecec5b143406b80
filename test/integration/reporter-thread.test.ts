import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { StatusReport } from '../../src/report/status-report.js';
import type { Json, Run, RunEvent, RunEventType } from '../../src/runbook/types.js';
import type { Block, ChatMessage, ChatPort } from '../../src/slack/chat-port.js';
import { RateLimited } from '../../src/slack/slack-chat.js';
import { createThreadReporter, type ThreadReporter } from '../../src/slack/thread-reporter.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { buildRun, pendingSteps } from '../support/build-run.js';

interface Call {
  method: 'post' | 'update' | 'ephemeral';
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Block[];
}

/** A ChatPort that records what would reach Slack, and can answer 429 or fail on demand. */
class RecordingChat implements ChatPort {
  calls: Call[] = [];
  attempts = 0;
  private next = 1;

  constructor(
    private readonly behaviour: {
      rateLimitFirst?: number;
      retryAfterMs?: number;
      alwaysFail?: boolean;
      gate?: Promise<void>;
    } = {},
  ) {}

  async postMessage(m: ChatMessage): Promise<{ ts: string }> {
    await this.before();
    const ts = `1700000000.${String(this.next++).padStart(6, '0')}`;
    this.calls.push({
      method: 'post',
      channel: m.channel,
      ts,
      threadTs: m.threadTs,
      text: m.text,
      blocks: m.blocks ?? [],
    });
    return { ts };
  }

  async updateMessage(m: ChatMessage & { ts: string }): Promise<void> {
    await this.before();
    if (!this.calls.some((c) => c.method === 'post' && c.ts === m.ts))
      throw new Error(`message_not_found: ${m.ts}`);
    this.calls.push({
      method: 'update',
      channel: m.channel,
      ts: m.ts,
      text: m.text,
      blocks: m.blocks ?? [],
    });
  }

  async postEphemeral(): Promise<void> {}
  async sendDirect(): Promise<{ channel: string; ts: string }> {
    return { channel: 'D1', ts: '1' };
  }
  async uploadDirectFile(): Promise<void> {}

  private async before(): Promise<void> {
    this.attempts++;
    if (this.behaviour.gate) await this.behaviour.gate;
    if (this.behaviour.alwaysFail) throw new Error('fetch failed: connect ECONNREFUSED');
    if (this.attempts <= (this.behaviour.rateLimitFirst ?? 0))
      throw new RateLimited(this.behaviour.retryAfterMs ?? 1000, 'chat.postMessage');
  }

  posts(): Call[] {
    return this.calls.filter((c) => c.method === 'post');
  }
  updatesOf(ts: string | undefined): Call[] {
    return this.calls.filter((c) => c.method === 'update' && c.ts === ts);
  }
}

const T0 = Date.UTC(2025, 2, 14, 14, 0);

function scaleupRun(id: string, steps = 3): Run {
  return buildRun({
    id,
    status: 'running',
    createdAt: T0,
    updatedAt: T0,
    steps: pendingSteps(steps),
    plan: ['Launch c5.xlarge', 'psk=s3cr3t-never-logged'],
    approval: {
      approvers: ['U0BOB'],
      distinctApprovers: 1,
      allowSelfApproval: false,
      expiresAt: T0 + 1_800_000,
    },
  });
}

function ev(run: Run, type: RunEventType, extra: Partial<RunEvent> = {}): RunEvent {
  return { type, runId: run.id, at: T0, ...extra };
}

const blocksText = (c: Call | undefined): string => JSON.stringify(c?.blocks ?? []);

/** What a message shows now: its last edit, or what was posted. */
function latest(chat: RecordingChat, posted: Call | undefined): string {
  return blocksText(chat.updatesOf(posted?.ts).at(-1) ?? posted);
}

let redis: Redis;
let prefix: string;
const reporters: ThreadReporter[] = [];
let logLines: string[] = [];

function reporter(
  chat: ChatPort,
  extra: Partial<Parameters<typeof createThreadReporter>[0]> = {},
): ThreadReporter {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  const r = createThreadReporter({
    chat,
    redis,
    prefix,
    logger: createLogger({ level: 'debug' }, sink),
    minEditIntervalMs: 200,
    ...extra,
  });
  reporters.push(r);
  return r;
}

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  await Promise.all(reporters.splice(0).map((r) => r.close()));
  await dropPrefix(redis, prefix);
  logLines = [];
});

describe('thread reporter', () => {
  it(
    'posts the root in the channel and the checklist ' +
      'in its thread once, and remembers both in Redis',
    async () => {
      prefix = uniquePrefix('rep');
      const chat = new RecordingChat();
      const r = reporter(chat);
      const run = scaleupRun('r-aaaa01');
      await r.onEvent(run, ev(run, 'created'));
      await r.onEvent(run, ev(run, 'started'));
      await r.flush();
      const [root, checklist, ...rest] = chat.posts();
      expect(rest).toEqual([]);
      expect(root?.threadTs).toBeUndefined();
      expect(root?.channel).toBe('C0OPS');
      expect(blocksText(root)).toContain(
        '<@U0ALICE> asked for `/router scaleup hub-tokyo-a` — r-aaaa01',
      );
      expect(checklist?.threadTs).toBe(root?.ts);
      expect(blocksText(checklist)).toContain('1. *Step 0*');
      expect(await redis.hgetall(`${prefix}:run:r-aaaa01:slack`)).toMatchObject({
        root: root?.ts,
        checklist: checklist?.ts,
      });
    },
  );

  it(
    'coalesces a burst of 30 step events into a few ' +
      'edits, the last one showing the final state',
    async () => {
      prefix = uniquePrefix('rep');
      const chat = new RecordingChat();
      const r = reporter(chat, { minEditIntervalMs: 1000 });
      const run = scaleupRun('r-burst1', 10);
      await r.onEvent(run, ev(run, 'started'));
      await r.flush();
      for (const step of run.steps) {
        step.status = 'running';
        await r.onEvent(run, ev(run, 'step-started', { stepId: step.id }));
        await r.onEvent(run, ev(run, 'note', { stepId: step.id, text: `working on ${step.id}` }));
        step.status = 'done';
        step.detail = `${step.id} finished`;
        await r.onEvent(run, ev(run, 'step-finished', { stepId: step.id }));
      }
      await r.flush();
      const checklist = chat.posts()[1];
      const edits = chat.updatesOf(checklist?.ts);
      expect(edits.length).toBeGreaterThanOrEqual(1);
      expect(edits.length).toBeLessThanOrEqual(3);
      const last = blocksText(edits.at(-1));
      expect(last).toContain(':white_check_mark: 10. *Step 9* _(done)_ — s9 finished');
      expect(last).not.toContain(':white_circle:');
      expect(last).toContain('10/10 steps done');
      expect(chat.posts()).toHaveLength(2);
    },
  );

  it('waits out a 429 for as long as Retry-After says, then posts', async () => {
    prefix = uniquePrefix('rep');
    const chat = new RecordingChat({ rateLimitFirst: 2, retryAfterMs: 1500 });
    const slept: number[] = [];
    const r = reporter(chat, { sleep: async (ms) => void slept.push(ms) });
    const run = scaleupRun('r-429aaa');
    await r.onEvent(run, ev(run, 'created'));
    await r.flush();
    expect(slept.filter((ms) => ms === 1500)).toHaveLength(2);
    expect(chat.posts()).toHaveLength(2);
    expect(chat.attempts).toBe(4);
    expect(logLines.join('')).toContain('Slack rate limit');
  });

  it('never rejects or blocks onEvent when Slack is down, and logs no secret', async () => {
    prefix = uniquePrefix('rep');
    const chat = new RecordingChat({ alwaysFail: true });
    const r = reporter(chat, { sleep: async () => {} });
    const run = scaleupRun('r-down01');
    run.steps[0]!.error = 'psk=s3cr3t-never-logged rejected';
    for (const type of ['created', 'awaiting-approval', 'step-failed', 'finished'] as const) {
      await expect(r.onEvent(run, ev(run, type, { stepId: 's0' }))).resolves.toBeUndefined();
    }
    await r.flush();
    expect(chat.calls).toEqual([]);
    expect(chat.attempts).toBeGreaterThan(0);
    const logs = logLines.join('');
    expect(logs).toContain('the run goes on');
    expect(logs).not.toContain('s3cr3t');
  });

  it('returns from onEvent before Slack has answered', async () => {
    prefix = uniquePrefix('rep');
    let open!: () => void;
    const chat = new RecordingChat({ gate: new Promise<void>((resolve) => (open = resolve)) });
    const r = reporter(chat);
    const run = scaleupRun('r-slow01');
    await r.onEvent(run, ev(run, 'created'));
    expect(chat.calls).toEqual([]);
    open();
    await r.flush();
    expect(chat.posts()).toHaveLength(2);
  });

  it(
    'lets another process carry the thread on: it ' +
      'edits the stored messages instead of reposting',
    async () => {
      prefix = uniquePrefix('rep');
      const chat = new RecordingChat();
      const clock = { now: T0 + 60_000 };
      const first = reporter(chat, { now: () => clock.now });
      const run = scaleupRun('r-twoproc');
      run.status = 'awaiting-approval';
      await first.onEvent(run, ev(run, 'awaiting-approval'));
      await first.flush();
      const [root, checklist, prompt] = chat.posts();
      expect(blocksText(prompt)).toContain('"action_id":"run_approve"');

      // The approval click is handled by the bot process: a second reporter with no memory.
      clock.now = T0 + 300_000;
      const second = reporter(chat, { now: () => clock.now });
      run.status = 'running';
      run.decisions.push({ user: 'U0BOB', decision: 'approved', at: T0 + 300_000 });
      await second.onEvent(run, ev(run, 'approved', { user: 'U0BOB' }));
      run.steps[0]!.status = 'done';
      await second.onEvent(run, ev(run, 'step-finished', { stepId: 's0' }));
      await second.flush();

      const posts = chat.posts();
      expect(posts.slice(0, 3)).toEqual([root, checklist, prompt]);
      expect(posts).toHaveLength(4);
      expect(blocksText(posts[3])).toContain('Approved by <@U0BOB> — starting');
      const promptEdit = chat.updatesOf(prompt?.ts).at(-1);
      expect(blocksText(promptEdit)).toContain('Approved by <@U0BOB> at 14:05 UTC');
      expect(blocksText(promptEdit)).not.toContain('run_approve');
      expect(latest(chat, checklist)).toContain(':white_check_mark: 1. *Step 0*');
      expect(latest(chat, root)).toContain('*running*');
    },
  );

  it(
    'posts failures and undos as replies, then one ' +
      'summary, and marks the root with the final status',
    async () => {
      prefix = uniquePrefix('rep');
      const chat = new RecordingChat();
      const r = reporter(chat);
      const run = scaleupRun('r-fail01');
      await r.onEvent(run, ev(run, 'started'));
      await r.flush();
      run.steps[0]!.status = 'done';
      run.steps[1]!.status = 'failed';
      run.steps[1]!.error = 'InsufficientInstanceCapacity <in ap-northeast-1a>';
      await r.onEvent(run, ev(run, 'step-failed', { stepId: 's1' }));
      await r.onEvent(run, ev(run, 'undo-started'));
      run.steps[0]!.status = 'undone';
      await r.onEvent(run, ev(run, 'step-undone', { stepId: 's0', text: 'old instance kept' }));
      run.status = 'rolled-back';
      run.outcome = 'nothing changed: capacity';
      run.updatedAt = T0 + 90_000;
      await r.onEvent(run, ev(run, 'finished'));
      await r.onEvent(run, ev(run, 'finished'));
      await r.flush();
      const replies = chat.posts().slice(2).map(blocksText);
      expect(replies).toHaveLength(4);
      expect(replies[0]).toContain(
        ':x: *Step 1* failed: InsufficientInstanceCapacity &lt;in ap-northeast-1a&gt;',
      );
      expect(replies[1]).toContain(':leftwards_arrow_with_hook: Undoing');
      expect(replies[2]).toContain('Undid *Step 0*: old instance kept');
      expect(replies[3]).toContain('*Rolled back* — nothing changed: capacity');
      const root = chat.posts()[0];
      expect(blocksText(root)).toContain('*running*');
      expect(blocksText(chat.updatesOf(root?.ts).at(-1))).toContain('*rolled back*');
      expect(latest(chat, chat.posts()[1])).toContain(':leftwards_arrow_with_hook: 1. *Step 0*');
    },
  );

  it(
    'turns a status run root into the summary and ' + 'posts the details by region in the thread',
    async () => {
      prefix = uniquePrefix('rep');
      const chat = new RecordingChat();
      const r = reporter(chat);
      const report: StatusReport = {
        scope: '*',
        generatedAt: T0,
        routers: [
          {
            router: 'hub-tokyo-a',
            region: 'ap-northeast-1',
            role: 'hub',
            reachable: true,
            tunnels: [{ name: 'to-us', kind: 'ipsec', state: 'up' }],
          },
          {
            router: 'us-east-1-a',
            region: 'us-east-1',
            role: 'spoke',
            reachable: false,
            error: 'SSH timed out',
            tunnels: [],
          },
        ],
        regions: [],
        problems: [],
      };
      const run: Run = {
        ...scaleupRun('r-status'),
        kind: 'status',
        target: '*',
        steps: [{ id: 'collect', title: 'Read every router', status: 'running' }],
      };
      await r.onEvent(run, ev(run, 'started'));
      await r.flush();
      expect(blocksText(chat.posts()[0])).toContain('asked for `/vpn status`');
      run.steps[0] = { ...run.steps[0]!, status: 'done', result: report as unknown as Json };
      run.status = 'succeeded';
      await r.onEvent(run, ev(run, 'finished'));
      await r.flush();
      const [root, ...details] = chat.posts();
      expect(details.map((d) => d.text)).toEqual([
        expect.stringMatching(/^us-east-1:/),
        expect.stringMatching(/^ap-northeast-1:/),
      ]);
      expect(details.every((d) => d.threadTs === root?.ts)).toBe(true);
      const rootNow = blocksText(chat.updatesOf(root?.ts).at(-1));
      expect(rootNow).toContain(':red_circle: *1 problem*');
      expect(rootNow).toContain('<@U0ALICE> asked for `/vpn status`');
    },
  );

  it('posts one root when two processes report the same new run at once', async () => {
    prefix = uniquePrefix('rep');
    let open!: () => void;
    const chat = new RecordingChat({ gate: new Promise<void>((resolve) => (open = resolve)) });
    const bot = reporter(chat);
    const worker = reporter(chat);
    const run = scaleupRun('r-race01');
    await bot.onEvent(run, ev(run, 'created'));
    await worker.onEvent(run, ev(run, 'started'));
    open();
    await Promise.all([bot.flush(), worker.flush()]);
    expect(chat.posts()).toHaveLength(2);
    expect(chat.posts()[1]?.threadTs).toBe(chat.posts()[0]?.ts);
  });

  it('ignores runs that were not asked for in Slack', async () => {
    prefix = uniquePrefix('rep');
    const chat = new RecordingChat();
    const r = reporter(chat);
    const run: Run = { ...scaleupRun('r-cli001'), origin: { kind: 'cli', channel: 'cli' } };
    await r.onEvent(run, ev(run, 'created'));
    await r.flush();
    expect(chat.attempts).toBe(0);
  });
});
