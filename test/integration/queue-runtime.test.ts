import { describe, expect, it } from 'vitest';
import { createQueueRuntime } from '../../src/queue/create-queue-runtime.js';
import { runLockTiming } from '../../src/queue/run-lock-timing.js';
import { createEngine } from '../../src/runbook/engine.js';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from '../helpers/redis.js';
import {
  silentLog,
  submitInput,
  toyRunbook,
  waitForStatus,
  type ToyDeps,
} from './runbook-harness.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';

describe('queue runtime', () => {
  it(
    'wires producer, queue and a worker, runs a ' + 'run end to end, and closes everything it made',
    async () => {
      const prefix = uniquePrefix('rt');
      const runtime = await createQueueRuntime({ url: redisUrl, prefix, logger: silentLog });
      const engine = createEngine<ToyDeps>({
        describeCommand: rebuildCommandLine,
        redis: runtime.producer,
        prefix,
        queue: runtime.runQueue,
        runbooks: { scaleup: toyRunbook([{ id: 'a' }]) },
        deps: { redis: runtime.producer, prefix },
        logger: silentLog,
      });
      try {
        const worker = await runtime.startRunWorker(engine);
        // Production's takeover bound reaches BullMQ (src/queue/run-lock-timing.ts).
        const lock = runLockTiming();
        expect(worker.opts).toMatchObject({
          lockDuration: lock.lockDurationMs,
          lockRenewTime: lock.lockRenewMs,
          stalledInterval: lock.stalledIntervalMs,
        });
        const { id } = await engine.submit(submitInput());
        expect((await waitForStatus(engine, id, ['succeeded', 'failed'])).status).toBe('succeeded');
        expect(await runtime.producer.hget(`${prefix}:toy:count`, 'a')).toBe('1');
      } finally {
        await engine.close();
        await runtime.closeGracefully(5_000);
        const cleanup = testRedis();
        await dropPrefix(cleanup, prefix);
        cleanup.disconnect();
      }
      await expect(runtime.producer.ping()).rejects.toThrow();
    },
  );
});
