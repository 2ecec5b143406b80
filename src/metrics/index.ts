export { createMetricsObserver, bucketOf } from './record-run-metrics.js';
export {
  createMetricsRegistry,
  stepHistogramValues,
  QUEUE_STATES,
  type MetricsRegistry,
} from './create-metrics-registry.js';
export { metricKeys, STEP_BUCKETS_SECONDS } from './metric-keys.js';
