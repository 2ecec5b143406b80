/**
 * The bot's operations endpoints and its refusal of forged requests, on the real bot
 * (startBot via the demo: Bolt in HTTP mode, real Redis, the simulated world) over loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoHandle } from '../../src/demo/start-demo.js';
import { loadInventory } from '../../src/config/load-inventory.js';
import { createLogger } from '../../src/log.js';
import { createMetricsObserver } from '../../src/metrics/record-run-metrics.js';
import { stepHistogramValues } from '../../src/metrics/create-metrics-registry.js';
import { metricKeys } from '../../src/metrics/metric-keys.js';
import { startSlackEmulator } from '../../src/sim/slack/start-slack-emulator.js';
import type { Run, RunEvent } from '../../src/runbook/types.js';
import { startBot, type BotHandle } from '../../src/wiring/start-bot.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { buildRun } from '../support/build-run.js';

const PASSWORD = 'correct horse battery staple';
const silent = createLogger({ level: 'silent' });
let demo: DemoHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flatnet-ops-'));
  demo = await startDemo({
    dir,
    // HTTP mode: the forged-request tests below are about /slack/events and its signatures.
    slackMode: 'http',
    dashboardPassword: PASSWORD,
    logger: silent,
    world: { bootMs: 200, tunnelUpMs: 100 },
  });
});

afterAll(async () => {
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * Scrapes until every pattern matches: the run finishes in a worker a moment after the ack, and
 * its counter, the routers' tunnel counts and BullMQ's completed job are written one after the
 * other, so one scrape can fall between them.
 */
async function metricsUntil(...patterns: RegExp[]): Promise<string> {
  const until = Date.now() + 30_000;
  for (;;) {
    const text = await (await fetch(`${demo.botUrl}/metrics`)).text();
    if (patterns.every((p) => p.test(text)) || Date.now() > until) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operations endpoints', () => {
  it('/healthz says Redis is up', async () => {
    const res = await fetch(`${demo.botUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, redis: 'up' });
  });

  it(
    '/metrics counts a status run, its step ' + 'duration, the tunnels per router and the queue',
    async () => {
      const ack = await demo.slack.slashCommand({
        user: 'U0ALICE',
        command: '/vpn',
        text: 'status',
      });
      expect(ack.status).toBe(200);
      const text = await metricsUntil(
        /flatnet_runs_total\{kind="status",outcome="succeeded"\} 1/,
        /flatnet_queue_jobs\{state="completed"\} 1/,
        ...demo.world.topology.routers.map(
          (r) => new RegExp(`flatnet_router_reachable\\{router="${r.name}"\\} 1`),
        ),
      );
      expect(text).toMatch(/flatnet_runs_total\{kind="status",outcome="succeeded"\} 1/);
      expect(text).toMatch(/flatnet_step_duration_seconds_count\{kind="status",step="collect"\} 1/);
      expect(text).toMatch(
        /flatnet_step_duration_seconds_bucket\{kind="status",step="collect",le="\+Inf"\} 1/,
      );
      // Every router of the reference topology is reported; the primary hub's tunnels are all up.
      for (const router of demo.world.topology.routers.map((r) => r.name)) {
        expect(text).toContain(`flatnet_router_reachable{router="${router}"} 1`);
      }
      expect(text).toMatch(/flatnet_router_tunnels\{router="hub-tokyo-a",state="up"\} [1-9]\d*/);
      expect(text).toContain('flatnet_router_tunnels{router="hub-tokyo-a",state="down"} 0');
      expect(text).toMatch(/flatnet_queue_jobs\{state="completed"\} 1/);
      expect(text).toContain('flatnet_queue_jobs{state="waiting"} 0');
      expect(text).toContain('# TYPE flatnet_step_duration_seconds histogram');
    },
  );

  it(
    '/admin/queues asks for the password, refuses a wrong ' +
      'one, and serves the dashboard with the right one',
    async () => {
      const anonymous = await fetch(`${demo.botUrl}/admin/queues`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await anonymous.text()).not.toContain(PASSWORD);
      expect(
        (
          await fetch(`${demo.botUrl}/admin/queues`, {
            headers: { authorization: basic('flatnet', 'wrong') },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await fetch(`${demo.botUrl}/admin/queues`, {
            headers: { authorization: basic('admin', PASSWORD) },
          })
        ).status,
      ).toBe(401);
      // The API behind the page is guarded too, not only the HTML.
      expect((await fetch(`${demo.botUrl}/admin/queues/api/queues`)).status).toBe(401);

      const page = await fetch(`${demo.botUrl}/admin/queues`, {
        headers: { authorization: basic('flatnet', PASSWORD) },
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const api = await fetch(`${demo.botUrl}/admin/queues/api/queues`, {
        headers: { authorization: basic('flatnet', PASSWORD) },
      });
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(body.queues.map((q) => ({ name: q.name, readOnlyMode: q.readOnlyMode }))).toEqual([
        { name: 'runs', readOnlyMode: true },
      ]);
    },
  );

  it('has no dashboard at all when no password is configured', async () => {
    let bot: BotHandle | undefined;
    const prefix = uniquePrefix('ops');
    const redis = testRedis();
    const slack = await startSlackEmulator({
      signingSecret: 'ops-test-secret',
      botToken: 'xoxb-ops-test',
    });
    try {
      bot = await startBot({
        loaded: loadInventory(demo.inventoryPath),
        slack: {
          mode: 'http',
          botToken: 'xoxb-ops-test',
          signingSecret: 'ops-test-secret',
          slackApiUrl: slack.apiUrl,
        },
        redisUrl: demo.redis.url,
        prefix,
        port: 0,
        host: '127.0.0.1',
        logger: silent,
      });
      const url = `http://127.0.0.1:${bot.port}`;
      expect((await fetch(`${url}/admin/queues`)).status).toBe(404);
      expect(
        (
          await fetch(`${url}/admin/queues`, {
            headers: { authorization: basic('flatnet', PASSWORD) },
          })
        ).status,
      ).toBe(404);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    } finally {
      await bot?.stop();
      await slack.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('forged requests', () => {
  it('refuses a slash command signed with the wrong secret, and starts nothing', async () => {
    // A second Slack that signs everything with a secret the bot does not share.
    const impostor = await startSlackEmulator({
      signingSecret: 'not-the-demo-secret',
      botToken: 'xoxb-impostor',
      botUrl: `${demo.botUrl}/slack/events`,
    });
    try {
      const before = demo.slack.store.messages('C0NETOPS').length;
      const reply = await impostor.slashCommand({
        user: 'U0ALICE',
        command: '/vpn',
        text: 'status',
      });
      expect(reply.status).toBe(401);
      // The person sees Slack's own words for a refused delivery.
      expect(impostor.store.ephemerals('U0ALICE').map((e) => e.text)).toEqual([
        '`/vpn` failed with the error "http_client_error"',
      ]);
      expect(demo.slack.store.messages('C0NETOPS').length).toBe(before);
    } finally {
      await impostor.close();
    }
  });

  it(
    'refuses a correctly signed request whose ' +
      'timestamp is more than five minutes old (a replay)',
    async () => {
      const before = demo.slack.store.messages('C0NETOPS').length;
      const reply = await demo.slack.slashCommand({
        user: 'U0ALICE',
        command: '/vpn',
        text: 'status',
        sign: { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
      });
      expect(reply.status).toBe(401);
      expect(demo.slack.store.messages('C0NETOPS').length).toBe(before);
    },
  );
});

describe('the metrics observer', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = testRedis();
    prefix = uniquePrefix('metrics');
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  const run = (over: Partial<Run>): Run =>
    buildRun({
      id: 'r-abc123',
      origin: { kind: 'slack', channel: 'C0NETOPS' },
      status: 'running',
      steps: [
        {
          id: 'launch-instance',
          title: 'Launch',
          status: 'done',
          startedAt: 1_000,
          finishedAt: 4_000,
        },
      ],
      cursor: 1,
      ...over,
    });
  const event = (type: RunEvent['type'], extra: Partial<RunEvent> = {}): RunEvent => ({
    type,
    runId: 'r-abc123',
    at: 5_000,
    ...extra,
  });

  it(
    'counts a run once even when its end is announced ' +
      'twice, and counts rejections (which emit no `finished`)',
    async () => {
      const observer = createMetricsObserver({ redis, prefix });
      await observer.onEvent(run({ status: 'succeeded' }), event('finished'));
      await observer.onEvent(run({ status: 'succeeded' }), event('finished'));
      await observer.onEvent(
        run({ id: 'r-rej001', status: 'rejected' }),
        event('rejected', { runId: 'r-rej001' }),
      );
      // Not final yet: an `approved` or a `note` never counts.
      await observer.onEvent(
        run({ id: 'r-run002', status: 'running' }),
        event('approved', { runId: 'r-run002' }),
      );
      expect(await redis.hgetall(metricKeys(prefix).runs)).toEqual({
        'scaleup\tsucceeded': '1',
        'scaleup\trejected': '1',
      });
    },
  );

  it('turns step durations into cumulative Prometheus buckets', async () => {
    const observer = createMetricsObserver({ redis, prefix });
    await observer.onEvent(run({}), event('step-finished', { stepId: 'launch-instance' }));
    await observer.onEvent(
      run({
        steps: [
          { id: 'launch-instance', title: 'Launch', status: 'done', startedAt: 0, finishedAt: 40 },
        ],
      }),
      event('step-finished', { stepId: 'launch-instance' }),
    );
    const values = stepHistogramValues(await redis.hgetall(metricKeys(prefix).steps), 'h');
    const bucket = (le: number | string): number | undefined =>
      values.find((v) => v.metricName === 'h_bucket' && v.labels.le === le)?.value;
    expect(bucket(0.05)).toBe(1); // 40 ms
    expect(bucket(2.5)).toBe(1);
    expect(bucket(5)).toBe(2); // and 3 s
    expect(bucket('+Inf')).toBe(2);
    expect(values.find((v) => v.metricName === 'h_sum')?.value).toBeCloseTo(3.04);
    expect(values.find((v) => v.metricName === 'h_count')?.labels).toEqual({
      kind: 'scaleup',
      step: 'launch-instance',
    });
  });
});
