/**
 * `/vpn sync-standby`'s undo, through the real engine on BullMQ and Redis, the real SSH driver
 * and the VyOS emulator: when the last check fails after the standby took the difference, the
 * engine undoes the apply, and the standby gets its own lines back, except the secret it had
 * (flatnet keeps none), which the outcome names instead of claiming everything was undone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncStandbyRunbook } from '../../jobs/sync-standby.js';
import type { SyncStandbyDeps } from '../../src/failover/sync-standby-steps.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { createEngine } from '../../src/runbook/engine.js';
import { withAfterStep } from '../helpers/after-step.js';
import { testRedis } from '../helpers/redis.js';
import { PRIMARY, STANDBY } from './failover-harness.js';
import { silentLog } from './runbook-harness.js';
import { startScaleBench, type ScaleBench } from './scaleup-harness.js';
import { buildRunRequest } from '../support/build-run.js';

let bench: ScaleBench | undefined;
const redis = testRedis();
afterEach(async () => {
  await bench?.cleanup();
  bench = undefined;
});

const OLD_PSK = 'HandEdited0ldKey7Qx2';

describe('/vpn sync-standby undo', () => {
  it(
    'puts the standby back when the final check ' + 'fails, keeping the secret it cannot restore',
    async () => {
      bench = await startScaleBench();
      const standby = bench.world.router(STANDBY).handle.router;
      for (const tree of [standby.active, standby.saved]) {
        tree.set('vpn ipsec authentication psk office secret'.split(' ').concat(OLD_PSK));
        tree.set(['protocols', 'static', 'route', '10.250.0.0/16', 'next-hop', '10.0.1.1']);
      }
      const before = standby.activeLines();

      const engine = createEngine<SyncStandbyDeps>({
        describeCommand: rebuildCommandLine,
        redis,
        prefix: bench.prefix,
        queue: bench.queue,
        runbooks: {
          'sync-standby': withAfterStep(createSyncStandbyRunbook(), async (stepId) => {
            if (stepId === 'verify-standby') throw new Error('the final check broke on purpose');
          }),
        },
        deps: bench.deps,
        logger: silentLog,
        leaseTtlMs: 5_000,
      });
      bench.startWorker(engine);
      const run = await engine.submit(buildRunRequest({ kind: 'sync-standby', target: PRIMARY }));
      const done = await bench.finished(run.id, engine);
      await engine.close();

      expect(done.status, done.outcome).toBe('rolled-back');
      expect(done.steps.find((s) => s.id === 'apply-to-standby')?.status).toBe('undone');
      // The standby's own route is back; the old key is not (the primary's stays), and the outcome
      // says so.
      const after = standby.activeLines();
      expect(after.filter((l) => !l.includes('authentication psk office secret'))).toEqual(
        before.filter((l) => !l.includes('authentication psk office secret')),
      );
      expect(standby.active.value('vpn ipsec authentication psk office secret')).not.toBe(OLD_PSK);
      expect(done.outcome).toContain('vpn ipsec authentication psk office secret');
      expect(JSON.stringify(done)).not.toContain(OLD_PSK);
    },
  );
});
