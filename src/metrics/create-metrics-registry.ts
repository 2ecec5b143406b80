/**
 * The Prometheus registry behind the bot's /metrics. Every value is read at scrape time:
 * run outcomes, step durations and tunnel counts from the Redis hashes the metrics observer
 * fills (any process may have run the step), queue depth from BullMQ. Nothing is cached in
 * this process, so two bot replicas report the same numbers.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { metricKeys, SEP, STEP_BUCKETS_SECONDS } from './metric-keys.js';

/** The job states an operator watches: a growing `waiting` means workers are missing or stuck. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

export interface MetricsRegistry {
  registry: Registry;
  contentType: string;
  /** The exposition text, read fresh from Redis and the queue. */
  render(): Promise<string>;
}

interface RouterTunnels {
  up: number;
  down: number;
  reachable: boolean;
  at: number;
}

function parseTunnels(raw: string): RouterTunnels | undefined {
  try {
    const v = JSON.parse(raw) as Partial<RouterTunnels>;
    if (typeof v.up !== 'number' || typeof v.down !== 'number') return undefined;
    return {
      up: v.up,
      down: v.down,
      reachable: v.reachable !== false,
      at: typeof v.at === 'number' ? v.at : 0,
    };
  } catch {
    return undefined;
  }
}

type HistogramValue = {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
};

/** Cumulative `_bucket`, `_sum` and `_count` lines from the per-bucket counts in Redis. */
export function stepHistogramValues(raw: Record<string, string>, name: string): HistogramValue[] {
  const series = new Map<
    string,
    { kind: string; step: string; buckets: Map<string, number>; sum: number; count: number }
  >();
  for (const [field, text] of Object.entries(raw)) {
    const [kind, step, part] = field.split(SEP);
    if (!kind || !step || !part) continue;
    const key = `${kind}${SEP}${step}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { kind, step, buckets: new Map(), sum: 0, count: 0 }));
    const n = Number(text);
    if (part === 'sum') s.sum = n;
    else if (part === 'count') s.count = n;
    else s.buckets.set(part, n);
  }
  const values: HistogramValue[] = [];
  for (const s of series.values()) {
    const labels = { kind: s.kind, step: s.step };
    let cumulative = 0;
    for (const le of STEP_BUCKETS_SECONDS) {
      cumulative += s.buckets.get(String(le)) ?? 0;
      values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
    }
    values.push({
      labels: { ...labels, le: '+Inf' },
      value: s.count,
      metricName: `${name}_bucket`,
    });
    values.push({ labels, value: s.sum, metricName: `${name}_sum` });
    values.push({ labels, value: s.count, metricName: `${name}_count` });
  }
  return values;
}

export function createMetricsRegistry(options: {
  redis: RedisClient;
  prefix: string;
  queue: Pick<Queue, 'getJobCounts'>;
  processMetrics?: boolean;
}): MetricsRegistry {
  const { redis } = options;
  const keys = metricKeys(options.prefix);
  const registry = new Registry();
  if (options.processMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'flatnet_' });

  new Counter({
    name: 'flatnet_runs_total',
    help:
      'Runs that ended, by kind and outcome ' +
      '(succeeded, failed, rejected, expired, rolled-back, cancelled).',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
    async collect() {
      const raw = await redis.hgetall(keys.runs);
      this.reset();
      for (const [field, count] of Object.entries(raw)) {
        const [kind = '', outcome = ''] = field.split(SEP);
        this.inc({ kind, outcome }, Number(count));
      }
    },
  });

  const histogramName = 'flatnet_step_duration_seconds';
  const stepDurations = {
    name: histogramName,
    help: 'How long each runbook step took, by run kind and step id.',
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      return {
        name: histogramName,
        help: this.help,
        type: 'histogram',
        aggregator: 'sum',
        values: stepHistogramValues(await redis.hgetall(keys.steps), histogramName),
      };
    },
  };
  // The one cast kept on purpose: prom-client types registerMetric as taking its own classes,
  // but its Registry reads only name, help, type, aggregator and get() (lib/registry.js), and
  // no Histogram class can serve buckets summed in Redis by every worker.
  registry.registerMetric(stepDurations as unknown as Metric);

  const tunnels = new Gauge({
    name: 'flatnet_router_tunnels',
    help: 'Tunnels up and down per router, from the latest status run that covered the router.',
    labelNames: ['router', 'state'],
    registers: [registry],
  });
  const reachable = new Gauge({
    name: 'flatnet_router_reachable',
    help: '1 when the latest status run could read the router over SSH, else 0.',
    labelNames: ['router'],
    registers: [registry],
  });
  const statusAge = new Gauge({
    name: 'flatnet_router_status_timestamp_seconds',
    help:
      'When the latest status run that covered the router finished (Unix seconds): ' +
      'the tunnel counts are this old.',
    labelNames: ['router'],
    registers: [registry],
  });
  const readTunnels = async (): Promise<void> => {
    const raw = await redis.hgetall(keys.tunnels);
    tunnels.reset();
    reachable.reset();
    statusAge.reset();
    for (const [router, text] of Object.entries(raw)) {
      const t = parseTunnels(text);
      if (!t) continue;
      tunnels.set({ router, state: 'up' }, t.up);
      tunnels.set({ router, state: 'down' }, t.down);
      reachable.set({ router }, t.reachable ? 1 : 0);
      statusAge.set({ router }, Math.round(t.at / 1000));
    }
  };

  new Gauge({
    name: 'flatnet_queue_jobs',
    help: 'Jobs in the runs queue by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await options.queue.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      // The three router gauges come from one hash: read it once, before the registry serializes.
      await readTunnels();
      return registry.metrics();
    },
  };
}
